using Grpc.Core;
using NutritionAspire.Contracts.Water;

namespace NutritionAspire.Water;

public sealed class WaterService : Contracts.Water.WaterService.WaterServiceBase
{
    public override Task<Response> SayHello(Message request, ServerCallContext context)
    {
        var result = DailyWater.Calculate(request.Weight, request.Height);
        return Task.FromResult(new Response { Value = result.Value, Unit = result.Unit });
    }
}
