using Grpc.Core;
using NutritionAspire.Contracts.Proteins;

namespace NutritionAspire.Proteins;

/// <summary><c>proteins.ProteinsService</c>: the gRPC face of <see cref="DailyProtein"/>.</summary>
public sealed class ProteinsGrpcService : ProteinsService.ProteinsServiceBase
{
    public override Task<Response> SayHello(Message request, ServerCallContext context)
    {
        var result = DailyProtein.Calculate(request.Weight);
        return Task.FromResult(new Response { Value = result.Value, Unit = result.Unit });
    }
}
