namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>A port of a service as the model declares it: <c>grpc</c> (h2c) or <c>http</c> (HTTP/1.1).</summary>
public sealed record ServicePortSpec(string Name, int Port, bool IsGrpc);

/// <summary>An HTTP probe of the model (<c>WithHttpProbe</c>).</summary>
public sealed record ProbeSpec(string PortName, string Path);

/// <summary>What the manifests need to know of one service of the AppHost model.</summary>
public sealed record ServiceSpec(
    string Name,
    IReadOnlyList<ServicePortSpec> Ports,
    IReadOnlyList<string> References,
    int Replicas,
    bool IsExternal,
    ProbeSpec Readiness,
    ProbeSpec Liveness,
    ProbeSpec Startup)
{
    public ServicePortSpec? Grpc => Ports.SingleOrDefault(port => port.IsGrpc);

    public ServicePortSpec Http => Ports.Single(port => !port.IsGrpc);
}

/// <summary>Reads the services, their endpoints, references, probes and replicas from the AppHost model.</summary>
public static class ServiceModelReader
{
    public static IReadOnlyList<ServiceSpec> Read(IEnumerable<IResource> resources)
    {
        var services = new List<ServiceSpec>();
        foreach (var resource in resources.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            if (resource is ParameterResource || resource.IsExcludedFromPublish())
            {
                continue;
            }

            if (resource is not ProjectResource project)
            {
                throw new InvalidOperationException(
                    $"Resource '{resource.Name}' is a {resource.GetType().Name}; only .NET projects map to Deployments. " +
                    "Exclude it from publishing (ExcludeFromManifest) or add it only in run mode.");
            }

            services.Add(ReadProject(project));
        }

        foreach (var service in services)
        {
            foreach (var reference in service.References)
            {
                if (services.SingleOrDefault(s => s.Name == reference) is not { Grpc: not null })
                {
                    throw new InvalidOperationException(
                        $"Resource '{service.Name}' references '{reference}', which is not a gRPC service of the model; " +
                        "only gRPC references become network policies and service-discovery settings.");
                }
            }
        }

        return services;
    }

    private static ServiceSpec ReadProject(ProjectResource project)
    {
        var name = project.Name;
        var ports = project.Annotations.OfType<EndpointAnnotation>()
            .OrderBy(endpoint => endpoint.Name, StringComparer.Ordinal)
            .Select(endpoint =>
            {
                if (endpoint.UriScheme != "http" || endpoint.TargetPort is not { } port)
                {
                    throw new InvalidOperationException(
                        $"Resource '{name}' endpoint '{endpoint.Name}' must be plain http with a target port " +
                        $"(got scheme '{endpoint.UriScheme}', target port {endpoint.TargetPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).");
                }

                return new ServicePortSpec(endpoint.Name, port, endpoint.Transport == "http2");
            })
            .ToList();
        if (ports.Count(port => !port.IsGrpc) != 1 || ports.Count(port => port.IsGrpc) > 1)
        {
            throw new InvalidOperationException(
                $"Resource '{name}' must have one HTTP/1.1 endpoint and at most one gRPC (http2) endpoint, got: " +
                $"{string.Join(", ", ports.Select(port => port.Name))}.");
        }

        var probes = project.Annotations.OfType<EndpointProbeAnnotation>()
            .ToDictionary(probe => probe.Type, probe => new ProbeSpec(probe.EndpointReference.EndpointName, probe.Path));
        if (!probes.TryGetValue(ProbeType.Readiness, out var readiness))
        {
            throw new InvalidOperationException(
                $"Resource '{name}' has no readiness probe; declare one with WithHttpProbe(ProbeType.Readiness, ...).");
        }

        var references = project.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(relationship => relationship.Type == "Reference")
            .Select(relationship => relationship.Resource.Name)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        return new ServiceSpec(
            name,
            ports,
            references,
            project.GetReplicaCount(),
            project.Annotations.OfType<EndpointAnnotation>().Any(endpoint => endpoint.IsExternal),
            readiness,
            probes.GetValueOrDefault(ProbeType.Liveness, readiness),
            probes.GetValueOrDefault(ProbeType.Startup, readiness));
    }
}
