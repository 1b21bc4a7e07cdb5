using Grpc.Core;
using NutritionAspire.Contracts.Water;

namespace NutritionAspire.Water;

/// <summary><c>water.WaterService</c>: the gRPC face of <see cref="DailyWater"/>.</summary>
public sealed class WaterGrpcService : WaterService.WaterServiceBase
{
    public override Task<Response> SayHello(Message request, ServerCallContext context)
    {
        var result = DailyWater.Calculate(request.Weight, request.Height);
        return Task.FromResult(new Response { Value = result.Value, Unit = result.Unit });
    }
}
