using System.Globalization;
using Microsoft.Extensions.Options;
using NutritionAspire.ServiceDefaults;
using NutritionAspire.Contracts.Bmr;
using NutritionAspire.Contracts.Imc;
using NutritionAspire.Contracts.Recommendations;

namespace NutritionAspire.HealthApi.Calculator;

public sealed class CalculatorOptions
{
    public const string SectionName = "Calculator";

    /// <summary>The overall deadline of one <c>POST /calculator</c>, every downstream call included.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// Composes the answer from the gRPC services: bmr and imc at once, and recommendations as soon as bmr has given
/// the caloric necessity it needs. An answer with a number that is not finite or is negative is refused like an
/// INVALID_ARGUMENT: values can be each in range and still outside a formula's domain (a negative basal rate).
/// </summary>
public sealed class NutritionCalculator(
    BMRService.BMRServiceClient bmr,
    IMCService.IMCServiceClient imc,
    RecomendationsService.RecomendationsServiceClient recommendations,
    IOptions<CalculatorOptions> calculatorOptions,
    IOptions<GrpcDependencyOptions> dependencyOptions)
{
    private const string Kcal = "kcal";

    public async Task<CalculatorResponse> CalculateAsync(HealthInfo info, CancellationToken cancellationToken)
    {
        using var calls = new DependencyCalls(
            DateTime.UtcNow + calculatorOptions.Value.RequestTimeout, dependencyOptions.Value, cancellationToken);

        var basalCall = calls.CallAsync(ResourceNames.BmrGrpc, options => bmr.SayHelloAsync(
            new() { Gender = info.Gender, Weight = info.Weight, Height = info.Height, Age = info.Age, Activity = info.ActivityIntensity },
            options),
            answer => Refuse("basal metabolic rate", answer.Bmr) ?? Refuse("caloric necessity", answer.Necessity));
        var imcCall = calls.CallAsync(ResourceNames.ImcGrpc, options => imc.SayHelloAsync(
            new() { Weight = info.Weight, Height = info.Height },
            options),
            answer => Refuse("IMC", answer.Imc));
        var recommendationsCall = RecommendAsync();

        await calls.WhenAll(basalCall, imcCall, recommendationsCall);
        var (basal, bodyMassIndex, recommendation) = (basalCall.Result, imcCall.Result, recommendationsCall.Result);

        return new CalculatorResponse(
            Guid.NewGuid(),
            StatusCodes.Status200OK,
            new BodyMassIndex(bodyMassIndex.Imc, bodyMassIndex.Class),
            new Basal(new Measure(basal.Bmr, Kcal), new Measure(basal.Necessity, Kcal)),
            info,
            new Recommendations(
                new ProteinMeasure(recommendation.ProteinsValue, recommendation.ProteinsUnit),
                new Measure(recommendation.WaterValue, recommendation.WaterUnit),
                new Calories(
                    MaintainWeight: new Measure(recommendation.CaloriesToMaintein, Kcal),
                    LossWeight: new Measure(recommendation.CaloriesToLoss, Kcal),
                    GainWeight: new Measure(recommendation.CaloriesToGain, Kcal))));

        async Task<NutritionAspire.Contracts.Recommendations.Response> RecommendAsync()
        {
            var necessity = (await basalCall).Necessity;
            return await calls.CallAsync(ResourceNames.RecommendationsGrpc, options => recommendations.SayHelloAsync(
                new() { Weight = info.Weight, Height = info.Height, Calories = necessity },
                options),
                answer => Refuse("water", answer.WaterValue) ?? Refuse("protein", answer.ProteinsValue)
                    ?? Refuse("calories to lose weight", answer.CaloriesToLoss) ?? Refuse("calories to maintain weight", answer.CaloriesToMaintein)
                    ?? Refuse("calories to gain weight", answer.CaloriesToGain));
        }
    }

    /// <summary>Why a computed quantity cannot be answered, or null when it is a finite number of at least 0.</summary>
    private static string? Refuse(string quantity, double value) =>
        double.IsFinite(value) && value >= 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"the {quantity} of these values is {value}, not a finite number of at least 0.");
}
