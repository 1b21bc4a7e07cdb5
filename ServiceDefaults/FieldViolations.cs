using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// The fields an INVALID_ARGUMENT is about, carried as gRPC's standard error details (<c>google.rpc.BadRequest</c> in
/// <c>grpc-status-details-bin</c>), which grpc-go and every other gRPC library can read. The status detail stays the
/// human-readable message; the field names are what a caller maps to its own fields.
/// </summary>
public static class FieldViolations
{
    /// <summary>INVALID_ARGUMENT with <paramref name="message"/> as its detail and one violation per field.</summary>
    public static RpcException InvalidArgument(string message, IEnumerable<string> fields)
    {
        var badRequest = new BadRequest();
        foreach (var field in fields)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = message });
        }

        return new Google.Rpc.Status { Code = (int)Code.InvalidArgument, Message = message, Details = { Any.Pack(badRequest) } }
            .ToRpcException();
    }

    /// <summary>The fields named by the error's details, in their order; none when it has no such details.</summary>
    public static IReadOnlyList<string> Read(RpcException exception) =>
        exception.GetRpcStatus()?.GetDetail<BadRequest>() is { } badRequest
            ? [.. badRequest.FieldViolations.Select(violation => violation.Field).Distinct(StringComparer.Ordinal)]
            : [];
}
