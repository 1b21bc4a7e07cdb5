using Grpc.Core;
using NutritionAspire.Contracts.Proteins;

namespace NutritionAspire.Proteins;

public sealed class ProteinsService : Contracts.Proteins.ProteinsService.ProteinsServiceBase
{
    public override Task<Response> SayHello(Message request, ServerCallContext context)
    {
        var result = DailyProtein.Calculate(request.Weight);
        return Task.FromResult(new Response { Value = result.Value, Unit = result.Unit });
    }
}
