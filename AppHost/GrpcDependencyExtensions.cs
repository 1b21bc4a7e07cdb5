namespace NutritionAspire.AppHost;

internal static class GrpcDependencyExtensions
{
    /// <summary>
    /// Hands the caller the address of the service's <c>grpc</c> endpoint (<c>services__&lt;name&gt;__grpc__0</c>), all it
    /// calls, and starts it after the service is healthy. The <c>http</c> endpoint (health, metrics) is not the caller's,
    /// so in the cluster the network policies admit the caller to the gRPC port only.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGrpcDependency(this IResourceBuilder<ProjectResource> caller, IResourceBuilder<ProjectResource> service) =>
        caller.WithReference(service.GetEndpoint(ResourceNames.GrpcEndpoint)).WaitFor(service);
}
