using Grpc.Core;
using NutritionAspire.Contracts.Imc;

namespace NutritionAspire.Imc;

public sealed class ImcService : IMCService.IMCServiceBase
{
    public override Task<Response> SayHello(Message request, ServerCallContext context)
    {
        var result = BodyMassIndex.Calculate(request.Weight, request.Height);
        return Task.FromResult(new Response { Imc = result.Imc, Class = result.Class });
    }
}
