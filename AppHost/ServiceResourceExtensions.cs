using System.Reflection;
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
            // Every gRPC service declares the container ports 30000 and 8080; locally each needs ports of its own.
            foreach (var endpoint in service.Resource.Annotations.OfType<EndpointAnnotation>())
            {
                endpoint.Port = null;
            }
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

    private static IResourceBuilder<ProjectResource> AsService(this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode && BuiltAssembly(service.Resource) is { } assembly)
        {
            // `dotnet run --no-build` evaluates the project with MSBuild before it starts the program: seconds per service
            // on a small machine, paid again at every step of the WaitFor chain. The built program is started directly.
            service.WithAnnotation(new ProjectLaunchArgsOverrideAnnotation(["exec", assembly]));
        }

        if (builder.ExecutionContext.IsPublishMode)
        {
            // No service serves TLS itself (the ingress terminates it), so the https endpoint publishing adds is dropped,
            // and every HTTP endpoint listens on the container port.
            foreach (var https in service.Resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme == "https").ToList())
            {
                service.Resource.Annotations.Remove(https);
            }

            service.WithEndpoint(ResourceNames.HttpEndpoint, endpoint => endpoint.TargetPort = ContainerHttpPort)
                .WithReplicas(ClusterReplicas)
                .WithClusterProbes()
                .WithPrometheusScrape(ResourceNames.HttpEndpoint);
        }

        return service;
    }

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

    /// <summary>The project's built assembly for the AppHost's own configuration, if it has been built.</summary>
    private static string? BuiltAssembly(ProjectResource project)
    {
        var projectPath = project.GetProjectMetadata().ProjectPath;
        var configuration = typeof(ServiceResourceExtensions).Assembly
            .GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var assembly = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration, "net10.0",
            Path.GetFileNameWithoutExtension(projectPath) + ".dll");
        return File.Exists(assembly) ? assembly : null;
    }
}
