using Grpc.Core;
using NutritionAspire.Contracts.Bmr;

namespace NutritionAspire.Bmr;

/// <summary><c>bmr.BMRService</c>: the gRPC face of <see cref="BasalMetabolicRate"/>.</summary>
public sealed class BmrGrpcService : BMRService.BMRServiceBase
{
    public override Task<Response> SayHello(Message request, ServerCallContext context)
    {
        var result = BasalMetabolicRate.Calculate(request.Gender, request.Weight, request.Height, request.Age, request.Activity);
        return Task.FromResult(new Response { Bmr = result.Bmr, Necessity = result.Necessity });
    }
}
