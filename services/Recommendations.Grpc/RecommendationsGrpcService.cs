using Grpc.Core;
using Microsoft.Extensions.Options;
using NutritionAspire.Contracts.Recommendations;
using NutritionAspire.ServiceDefaults;
using CaloriesClient = NutritionAspire.Contracts.Calories.CaloriesService.CaloriesServiceClient;
using ProteinsClient = NutritionAspire.Contracts.Proteins.ProteinsService.ProteinsServiceClient;
using WaterClient = NutritionAspire.Contracts.Water.WaterService.WaterServiceClient;

namespace NutritionAspire.Recommendations;

/// <summary>
/// <c>recommendations.RecomendationsService</c>: aggregates water, proteins and calories, calling the three services
/// concurrently. It checks its request by the same rules as the three services, so bad input never fans out.
/// </summary>
public sealed class RecommendationsGrpcService(
    WaterClient water, ProteinsClient proteins, CaloriesClient calories, IOptions<GrpcDependencyOptions> options)
    : RecomendationsService.RecomendationsServiceBase
{
    public override async Task<Response> SayHello(Message request, ServerCallContext context)
    {
        InputRules.RequireWeight(request.Weight);
        InputRules.RequireHeight(request.Height);
        InputRules.RequireNecessity(request.Calories, "calories");

        // The clients keep to this call's deadline themselves (PropagateGrpcCallContext); each call has its own timeout too.
        using var calls = new DependencyCalls(DateTime.MaxValue, options.Value, context.CancellationToken);
        var waterCall = calls.CallAsync(ResourceNames.WaterGrpc, callOptions =>
            water.SayHelloAsync(new() { Weight = request.Weight, Height = request.Height }, callOptions));
        var proteinsCall = calls.CallAsync(ResourceNames.ProteinsGrpc, callOptions =>
            proteins.SayHelloAsync(new() { Weight = request.Weight }, callOptions));
        var caloriesCall = calls.CallAsync(ResourceNames.CaloriesGrpc, callOptions =>
            calories.SayHelloAsync(new() { Necessity = request.Calories }, callOptions));

        try
        {
            await calls.WhenAll(waterCall, proteinsCall, caloriesCall);
        }
        catch (DependencyFailedException failure) when (failure.Status.StatusCode == StatusCode.InvalidArgument)
        {
            // The dependency refused values of this request: the caller's data, named by this request's own fields.
            throw new InvalidInputException($"{failure.Dependency}: {failure.Status.Detail}", s_fieldsSent.OwnFields(failure));
        }
        catch (DependencyFailedException failure)
        {
            var code = failure.Status.StatusCode == StatusCode.DeadlineExceeded ? StatusCode.DeadlineExceeded : StatusCode.Unavailable;
            throw new RpcException(new Status(code, failure.Summary));
        }

        var (waterResult, proteinsResult, caloriesResult) = (waterCall.Result, proteinsCall.Result, caloriesCall.Result);
        return new Response
        {
            WaterValue = waterResult.Value,
            WaterUnit = waterResult.Unit,
            ProteinsValue = proteinsResult.Value,
            ProteinsUnit = proteinsResult.Unit,
            CaloriesToLoss = caloriesResult.Loss,
            CaloriesToMaintein = caloriesResult.Maintain,
            CaloriesToGain = caloriesResult.Gain,
        };
    }

    /// <summary>
    /// Each dependency's request fields and the field of this request each is taken from (calories-grpc's
    /// <c>necessity</c> is this request's <c>calories</c>).
    /// </summary>
    private static readonly DependencyFieldMap s_fieldsSent = new(new()
    {
        [ResourceNames.WaterGrpc] = new() { ["weight"] = ["weight"], ["height"] = ["height"] },
        [ResourceNames.ProteinsGrpc] = new() { ["weight"] = ["weight"] },
        [ResourceNames.CaloriesGrpc] = new() { ["necessity"] = ["calories"] },
    });
}
