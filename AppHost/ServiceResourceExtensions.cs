using NutritionAspire.Hosting.Kubernetes;

namespace NutritionAspire.AppHost;

internal static class ServiceResourceExtensions
{
    /// <summary>Replicas of each service in the cluster; a local run starts one of each.</summary>
    private const int ClusterReplicas = 2;

    /// <summary>The HTTP port of every service in a container.</summary>
    private const int ContainerHttpPort = 8080;

    /// <summary>
    /// Adds a gRPC service. Its endpoints come from the project's Kestrel configuration: <c>grpc</c> (h2c, HTTP/2 only)
    /// and <c>http</c> (HTTP/1.1), which serves the <c>/healthz</c> its probes and health check read.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddGrpcService<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name)
            .WithHttpProbe(ProbeType.Readiness, "/healthz", endpointName: ResourceNames.HttpEndpoint);

        if (builder.ExecutionContext.IsRunMode)
        {
            // Every gRPC service declares the container ports 30000 and 8080 on every interface; locally each needs
            // ports of its own, and both the service and the orchestrator's proxy in front of it listen on loopback only.
            foreach (var endpoint in service.Resource.Annotations.OfType<EndpointAnnotation>())
            {
                endpoint.Port = null;
                endpoint.TargetHost = "localhost";
            }

            service.ListenOnLoopback();
        }

        return service.AsService(builder);
    }

    /// <summary>Adds health-api, the public REST API, on its documented local port.</summary>
    public static IResourceBuilder<ProjectResource> AddHealthApi<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name)
            .WithHttpProbe(ProbeType.Readiness, "/readiness", endpointName: ResourceNames.HttpEndpoint)
            .WithHttpProbe(ProbeType.Liveness, "/liveness", endpointName: ResourceNames.HttpEndpoint)
            .WithExternalHttpEndpoints()
            .AsService(builder);

    /// <summary>
    /// The services' Kestrel configuration listens on every interface, as a container must; a local run binds each
    /// endpoint to loopback only, so a laptop on a shared network exposes nothing. Aspire keeps the configured host in
    /// the <c>Kestrel__Endpoints__&lt;name&gt;__Url</c> it sets, so this callback, running after Aspire's, sets it again.
    /// </summary>
    private static void ListenOnLoopback(this IResourceBuilder<ProjectResource> service) =>
        service.WithEnvironment(context =>
        {
            foreach (var endpoint in service.Resource.GetEndpoints())
            {
                context.EnvironmentVariables[$"Kestrel__Endpoints__{endpoint.EndpointName}__Url"] =
                    ReferenceExpression.Create($"{endpoint.EndpointAnnotation.UriScheme}://localhost:{endpoint.Property(EndpointProperty.TargetPort)}");
            }
        });

    private static IResourceBuilder<ProjectResource> AsService(this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            // No service serves TLS itself (the ingress terminates it), so the https endpoint publishing adds is dropped,
            // and every HTTP endpoint listens on the container port.
            foreach (var https in service.Resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme == "https").ToList())
            {
                service.Resource.Annotations.Remove(https);
            }

            // Aspire would set ASPNETCORE_FORWARDEDHEADERS_ENABLED=true, believing X-Forwarded-* from every sender; health-api
            // believes only the ingress's networks (WithIngressEdgeConfiguration), and no other service is behind a proxy.
            service.DisableForwardedHeaders()
                .WithClusterTraceSampling()
                .WithEndpoint(ResourceNames.HttpEndpoint, endpoint => endpoint.TargetPort = ContainerHttpPort)
                .WithReplicas(ClusterReplicas)
                .WithClusterProbes()
                .WithPrometheusScrape(ResourceNames.HttpEndpoint);
        }

        return service;
    }

    /// <summary>
    /// A share of the requests traced (<see cref="TraceSampling"/>): at the cluster's rate a trace of every request
    /// costs more than it tells. A ConfigMap value, so an overlay can change it without a rebuild.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithClusterTraceSampling(this IResourceBuilder<ProjectResource> service) =>
        service.WithEnvironment(TraceSampling.SamplerVariable, TraceSampling.ParentBasedRatio)
            .WithEnvironment(TraceSampling.RatioVariable, TraceSampling.ClusterRatio);

    /// <summary>
    /// The cluster's probes, on the paths the service declares: a startup probe gives a cold start a minute (30 tries,
    /// 2 s apart) before readiness (every 5 s) and liveness (every 10 s, on the readiness path unless one is declared)
    /// take over, each allowed 2 s to answer.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithClusterProbes(this IResourceBuilder<ProjectResource> service)
    {
        var declared = service.Resource.Annotations.OfType<EndpointProbeAnnotation>().ToDictionary(probe => probe.Type);
        var readiness = declared[ProbeType.Readiness];
        var liveness = declared.GetValueOrDefault(ProbeType.Liveness, readiness);
        foreach (var probe in declared.Values)
        {
            service.Resource.Annotations.Remove(probe);
        }

        return service
            .WithAnnotation(ClusterProbe(ProbeType.Startup, readiness, periodSeconds: 2, failureThreshold: 30))
            .WithAnnotation(ClusterProbe(ProbeType.Readiness, readiness, periodSeconds: 5, failureThreshold: 3))
            .WithAnnotation(ClusterProbe(ProbeType.Liveness, liveness, periodSeconds: 10, failureThreshold: 3));
    }

    private static EndpointProbeAnnotation ClusterProbe(ProbeType type, EndpointProbeAnnotation declared, int periodSeconds, int failureThreshold) => new()
    {
        Type = type,
        EndpointReference = declared.EndpointReference,
        Path = declared.Path,
        InitialDelaySeconds = 0,
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 2,
        FailureThreshold = failureThreshold,
        SuccessThreshold = 1,
    };
}
