using Grpc.Core;

namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// One gRPC dependency: where it is, and the retry and circuit breaking in front of its channel. The channel and the
/// client come from the gRPC client factory (<c>AddGrpcClient</c>).
/// </summary>
public sealed class GrpcDependency(string name, Uri address, DependencyResilience resilience, Func<IServiceProvider, CallInvoker> callInvoker)
{
    /// <summary>The resource name, such as <c>bmr-grpc</c>.</summary>
    public string Name { get; } = name;

    public Uri Address { get; } = address;

    public DependencyResilience Resilience { get; } = resilience;

    /// <summary>The call invoker of the dependency's client, as the client factory built it.</summary>
    public CallInvoker CallInvoker(IServiceProvider services) => callInvoker(services);
}
