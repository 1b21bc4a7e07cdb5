using Grpc.Core;
using NutritionAspire.Contracts.Calories;

namespace NutritionAspire.Calories;

/// <summary><c>calories.CaloriesService</c>: the gRPC face of <see cref="CalorieTargets"/>.</summary>
public sealed class CaloriesGrpcService : CaloriesService.CaloriesServiceBase
{
    public override Task<Response> SayHello(Message request, ServerCallContext context)
    {
        var result = CalorieTargets.Calculate(request.Necessity);
        return Task.FromResult(new Response { Loss = result.Loss, Gain = result.Gain, Maintain = result.Maintain });
    }
}
