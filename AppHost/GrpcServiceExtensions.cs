namespace NutritionAspire.AppHost;

internal static class GrpcServiceExtensions
{
    /// <summary>
    /// Adds a gRPC service. Its endpoints come from the project's Kestrel configuration: <c>grpc</c> (h2c, HTTP/2 only)
    /// and <c>http</c> (HTTP/1.1), which serves the <c>/healthz</c> the health check reads.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddGrpcService<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name)
            .WithHttpHealthCheck("/healthz", endpointName: ResourceNames.HttpEndpoint);

        if (builder.ExecutionContext.IsRunMode)
        {
            // Every service declares the container ports 30000 and 8080; locally each one needs ports of its own.
            service.WithEndpoint(ResourceNames.GrpcEndpoint, endpoint => endpoint.Port = null)
                .WithEndpoint(ResourceNames.HttpEndpoint, endpoint => endpoint.Port = null);
        }

        return service;
    }
}
