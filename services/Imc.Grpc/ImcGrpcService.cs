using Grpc.Core;
using NutritionAspire.Contracts.Imc;

namespace NutritionAspire.Imc;

/// <summary><c>imc.IMCService</c>: the gRPC face of <see cref="BodyMassIndex"/>.</summary>
public sealed class ImcGrpcService : IMCService.IMCServiceBase
{
    public override Task<Response> SayHello(Message request, ServerCallContext context)
    {
        var result = BodyMassIndex.Calculate(request.Weight, request.Height);
        return Task.FromResult(new Response { Imc = result.Imc, Class = result.Class });
    }
}
