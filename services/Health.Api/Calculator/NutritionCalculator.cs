using Microsoft.Extensions.Options;
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
/// the caloric necessity it needs.
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
            DateTime.UtcNow + calculatorOptions.Value.RequestTimeout, dependencyOptions.Value.CallTimeout, cancellationToken);

        var basalCall = calls.CallAsync(ResourceNames.BmrGrpc, options => bmr.SayHelloAsync(
            new() { Gender = info.Gender, Weight = info.Weight, Height = info.Height, Age = info.Age, Activity = info.ActivityIntensity },
            options));
        var imcCall = calls.CallAsync(ResourceNames.ImcGrpc, options => imc.SayHelloAsync(
            new() { Weight = info.Weight, Height = info.Height },
            options));
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
                options));
        }
    }
}
