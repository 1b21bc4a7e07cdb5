using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// Reads the compute resources of the model (projects and containers) into <see cref="WorkloadSpec"/>s: everything
/// each declares is mapped or the read fails, naming the resource and the setting.
/// </summary>
public static partial class ModelReader
{
    /// <summary>The port .NET's container images listen on, for a project's HTTP endpoint that names none.</summary>
    public const int DotnetContainerHttpPort = 8080;

    /// <summary>ASP.NET Core's switch that believes <c>X-Forwarded-*</c> from every sender; Aspire sets it for a project in publish mode.</summary>
    private const string ForwardedHeadersEnabled = "ASPNETCORE_FORWARDEDHEADERS_ENABLED";

    public static async Task<IReadOnlyList<WorkloadSpec>> ReadAsync(
        KubernetesEnvironmentResource environment,
        IEnumerable<IResource> resources,
        DistributedApplicationExecutionContext executionContext,
        IConfiguration configuration,
        CancellationToken cancellationToken)
    {
        var workloads = resources.Where(resource => IsWorkload(resource, environment)).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        foreach (var workload in workloads)
        {
            AnnotationCoverage.Check(workload);
        }

        // Ports first: every value that addresses an endpoint needs the port of the resource it addresses.
        var ports = workloads.ToDictionary(workload => workload.Name, workload => Ports(workload), StringComparer.Ordinal);
        var external = ports.SelectMany(p => p.Value.Where(port => port.IsExternal).Select(port => $"'{p.Key}' endpoint '{port.Name}'")).ToList();
        if (external.Count > 1)
        {
            throw new InvalidOperationException(
                $"The model has {external.Count.ToString(CultureInfo.InvariantCulture)} external HTTP endpoints ({string.Join(", ", external)}); " +
                "the ingress answers one host (parameter ingress-host) for one of them.");
        }

        var specs = new List<WorkloadSpec>();
        foreach (var workload in workloads)
        {
            specs.Add(await ReadAsync(workload, ports, executionContext, configuration, cancellationToken));
        }

        return specs;
    }

    /// <summary>Whether <paramref name="resource"/> runs in the cluster; one that cannot, and is not a mere value, is refused.</summary>
    private static bool IsWorkload(IResource resource, KubernetesEnvironmentResource environment)
    {
        if (resource == environment || resource is ParameterResource || resource.IsExcludedFromPublish()
            || resource.GetComputeEnvironment() is { } other && other != environment)
        {
            return false;
        }

        if (resource is ProjectResource || resource.HasAnnotationOfType<ContainerImageAnnotation>())
        {
            return true;
        }

        if (resource is ExecutableResource)
        {
            throw Unmappable.Setting(resource, "the executable",
                "a program of the AppHost's machine does not run in a cluster; publish it as a container (PublishAsDockerFile) or exclude it (ExcludeFromManifest)");
        }

        // A connection string, or a child such as a database, is a value the workloads that reference it are given.
        if (resource is IResourceWithConnectionString or IResourceWithParent)
        {
            return false;
        }

        throw Unmappable.Setting(resource, $"the {resource.GetType().Name}",
            "the publisher maps projects and containers; exclude it (ExcludeFromManifest) or add it only in run mode");
    }

    private static async Task<WorkloadSpec> ReadAsync(
        IResource resource,
        Dictionary<string, IReadOnlyList<PortSpec>> portsByWorkload,
        DistributedApplicationExecutionContext executionContext,
        IConfiguration configuration,
        CancellationToken cancellationToken)
    {
        var mapper = new ValueMapper(resource, portsByWorkload, configuration);
        var environment = new SortedDictionary<string, ValueTemplate>(StringComparer.Ordinal);
        if (resource.TryGetAnnotationsOfType<EnvironmentCallbackAnnotation>(out var environmentCallbacks))
        {
            var context = new EnvironmentCallbackContext(executionContext, resource, cancellationToken: cancellationToken);
            foreach (var callback in environmentCallbacks)
            {
                await callback.Callback(context);
            }

            foreach (var (name, value) in context.EnvironmentVariables)
            {
                environment[name] = await mapper.MapAsync(value, $"environment variable {name}");
            }
        }

        var args = new List<ValueTemplate>();
        if (resource.TryGetAnnotationsOfType<CommandLineArgsCallbackAnnotation>(out var argsCallbacks))
        {
            // The context's execution context defaults to a run; the callbacks must see the publish.
            var context = new CommandLineArgsCallbackContext([], resource, cancellationToken) { ExecutionContext = executionContext };
            foreach (var callback in argsCallbacks)
            {
                await callback.Callback(context);
            }

            foreach (var (index, arg) in context.Args.Index())
            {
                args.Add(await mapper.MapAsync(arg, $"argument {index.ToString(CultureInfo.InvariantCulture)}"));
            }
        }

        var ports = portsByWorkload[resource.Name];
        var volumes = Volumes(resource);
        var replicas = resource.GetReplicaCount();
        if (replicas > 1 && volumes.Any(volume => volume.Persistent))
        {
            throw Unmappable.Setting(resource, $"{replicas.ToString(CultureInfo.InvariantCulture)} replicas with a named volume",
                "one volume is one disk, which one pod at a time may write; give it one replica");
        }

        return new WorkloadSpec(
            resource.Name,
            resource is ProjectResource ? WorkloadKind.Project : WorkloadKind.Container,
            Image(resource),
            PullPolicy(resource),
            (resource as ContainerResource)?.Entrypoint,
            args,
            environment,
            ports,
            volumes,
            Probes(resource, ports),
            replicas,
            resource.HasAnnotationOfType<OtlpExporterAnnotation>(),
            [.. mapper.Uses.OrderBy(use => use.Callee, StringComparer.Ordinal).ThenBy(use => use.Endpoint, StringComparer.Ordinal)],
            Scrape(resource, ports),
            [.. resource.Annotations.OfType<KubernetesCustomizationAnnotation>().Select(annotation => annotation.Configure)])
        {
            IngressEdge = IngressEdge(resource, ports, environment),
        };
    }

    /// <summary>
    /// Where the resource reads its public edge (<see cref="KubernetesResourceExtensions.WithIngressEdgeConfiguration"/>):
    /// only a resource the ingress reaches has one, and one that believes every sender's forwarded headers anyway is refused.
    /// </summary>
    private static IngressEdgeKeys? IngressEdge(IResource resource, IReadOnlyList<PortSpec> ports, SortedDictionary<string, ValueTemplate> environment)
    {
        if (resource.Annotations.OfType<IngressEdgeAnnotation>().SingleOrDefault() is not { } edge)
        {
            return null;
        }

        const string Setting = "WithIngressEdgeConfiguration";
        if (!ports.Any(port => port.IsExternal))
        {
            throw Unmappable.Setting(resource, Setting, "the resource has no external endpoint, so the ingress does not reach it");
        }

        if (environment.TryGetValue(ForwardedHeadersEnabled, out var switched) && (!switched.IsPlain || !bool.TryParse(switched.PlainText, out var on) || on))
        {
            throw Unmappable.Setting(resource, Setting,
                $"{ForwardedHeadersEnabled} is set, so ASP.NET Core believes X-Forwarded-* from every sender, not only from the ingress; " +
                "for a project Aspire sets it in publish mode unless the resource calls DisableForwardedHeaders()");
        }

        return new IngressEdgeKeys(edge.SourceNetworksKey, edge.HttpsKey);
    }

    /// <summary>
    /// A container's image as it names it; null for an image built from source (a project, a Dockerfile), which the
    /// settings name <c>&lt;image-registry&gt;/&lt;resource&gt;:&lt;image-tag&gt;</c>.
    /// </summary>
    private static string? Image(IResource resource) =>
        resource is ProjectResource || resource.HasAnnotationOfType<DockerfileBuildAnnotation>() || !resource.TryGetContainerImageName(out var image)
            ? null
            : image;

    private static string PullPolicy(IResource resource) =>
        resource.TryGetLastAnnotation<ContainerImagePullPolicyAnnotation>(out var policy)
            ? policy.ImagePullPolicy switch
            {
                ImagePullPolicy.Always => "Always",
                ImagePullPolicy.Never => "Never",
                _ => "IfNotPresent",
            }
            : "IfNotPresent";

    private static IReadOnlyList<PortSpec> Ports(IResource resource)
    {
        var endpoints = resource.Annotations.OfType<EndpointAnnotation>().OrderBy(endpoint => endpoint.Name, StringComparer.Ordinal).ToList();
        var defaultedHttp = endpoints.Where(endpoint => endpoint.TargetPort is null && endpoint.UriScheme == "http").ToList();
        var grpc = resource.Annotations.OfType<GrpcServicesAnnotation>().SingleOrDefault();
        var http2 = endpoints.Where(endpoint => endpoint.Transport == "http2").ToList();
        if (grpc is not null && http2.Count != 1)
        {
            throw Unmappable.Setting(resource, "WithGrpcServices",
                $"it needs exactly one HTTP/2 endpoint to apply to, and the resource has {http2.Count.ToString(CultureInfo.InvariantCulture)}");
        }

        var routes = resource.Annotations.OfType<HttpRoutesAnnotation>().ToList();
        foreach (var unknown in routes.Where(r => endpoints.All(endpoint => endpoint.Name != r.EndpointName)))
        {
            throw Unmappable.Setting(resource, $"WithHttpRoutes(\"{unknown.EndpointName}\")", "the resource has no such endpoint");
        }

        var publicRoutes = resource.Annotations.OfType<PublicRoutesAnnotation>().SingleOrDefault();
        if (publicRoutes is not null && !endpoints.Any(endpoint => endpoint.IsExternal))
        {
            throw Unmappable.Setting(resource, "WithPublicRoutes", "the resource has no external endpoint");
        }

        return [.. endpoints.Select(endpoint =>
        {
            var setting = $"endpoint '{endpoint.Name}'";
            if (!PortName().IsMatch(endpoint.Name) || endpoint.Name.Length > 15)
            {
                throw Unmappable.Setting(resource, setting, "a port's name must be at most 15 lower-case letters, digits and '-'");
            }

            if (endpoint.UriScheme == "https" || endpoint.TlsEnabled)
            {
                throw Unmappable.Setting(resource, setting,
                    "it serves TLS, and no resource does in the cluster: the ingress terminates TLS. Remove it in publish mode (if builder.ExecutionContext.IsRunMode)");
            }

            var protocol = endpoint.Protocol switch
            {
                ProtocolType.Tcp => "TCP",
                ProtocolType.Udp => "UDP",
                _ => throw Unmappable.Setting(resource, setting, $"protocol {endpoint.Protocol} is neither TCP nor UDP"),
            };
            var targetPort = endpoint.TargetPort
                ?? (resource is ProjectResource && defaultedHttp is [var only] && only == endpoint ? DotnetContainerHttpPort
                    : throw Unmappable.Setting(resource, setting, "it names no target port, the port the container listens on"));
            var isHttp = endpoint.UriScheme == "http" && protocol == "TCP";
            var isHttp2 = isHttp && endpoint.Transport == "http2";
            if (endpoint.IsExternal && !isHttp)
            {
                throw Unmappable.Setting(resource, setting, "it is external, and an Ingress routes only HTTP");
            }

            IReadOnlyList<CiliumHttpRule>? callerRules = isHttp2 && grpc is not null
                ? [.. grpc.MethodPaths.Select(path => new CiliumHttpRule { Method = "POST", Path = HttpRoute.EscapeRegex(path) })]
                : routes.Where(r => r.EndpointName == endpoint.Name).SelectMany(r => r.Routes).ToList() is { Count: > 0 } declared
                    ? [.. declared.Select(Rule)]
                    : null;
            IReadOnlyList<CiliumHttpRule>? publicRules = endpoint.IsExternal && publicRoutes is not null ? [.. publicRoutes.Routes.Select(Rule)] : null;
            return new PortSpec(
                endpoint.Name, targetPort, endpoint.Port ?? targetPort, protocol, endpoint.UriScheme,
                isHttp2 ? "kubernetes.io/h2c" : isHttp ? "http" : null,
                endpoint.IsExternal, callerRules, publicRules);
        })];
    }

    private static CiliumHttpRule Rule(HttpRoute route) => new() { Method = route.Method, Path = route.CiliumPath };

    private static List<VolumeSpec> Volumes(IResource resource)
    {
        if (!resource.TryGetContainerMounts(out var mounts))
        {
            return [];
        }

        var volumes = mounts.Select(mount =>
        {
            if (mount.Type == ContainerMountType.BindMount)
            {
                throw Unmappable.Setting(resource, $"the bind mount of '{mount.Source}' at '{mount.Target}'",
                    "the AppHost's folders are not on the cluster's nodes; put the files in the image or mount a ConfigMap through PublishAsKubernetesService");
            }

            var name = VolumeName(mount.Target);
            return new VolumeSpec(name, mount.Target, mount.IsReadOnly, Persistent: mount.Source is not null);
        }).ToList();
        if (volumes.GroupBy(volume => volume.Name).FirstOrDefault(group => group.Count() > 1 || group.Key == HardenedPod.TmpVolume) is { } clash)
        {
            throw Unmappable.Setting(resource, $"the volumes at {string.Join(", ", clash.Select(v => v.MountPath))}",
                $"their mount paths give the same volume name '{clash.Key}'");
        }

        return volumes;
    }

    /// <summary>A volume's name from where it is mounted (<c>/var/lib/data</c> is <c>var-lib-data</c>): stable on any machine.</summary>
    internal static string VolumeName(string mountPath)
    {
        var name = NotInDnsLabel().Replace(mountPath.ToLowerInvariant(), "-").Trim('-');
        name = name.Length == 0 ? "root" : name;
        return name.Length <= 40 ? name : name[..40].TrimEnd('-');
    }

    private static IReadOnlyList<ProbeSpec> Probes(IResource resource, IReadOnlyList<PortSpec> ports) =>
        [.. resource.Annotations.OfType<ProbeAnnotation>().OrderBy(probe => probe.Type).Select(probe =>
        {
            var setting = $"the {probe.Type} probe";
            if (probe is not EndpointProbeAnnotation http)
            {
                throw Unmappable.Setting(resource, setting, $"a {probe.GetType().Name} has no Kubernetes mapping; only HTTP probes do");
            }

            var port = ports.SingleOrDefault(p => p.Name == http.EndpointReference.EndpointName && p.Scheme == "http")
                ?? throw Unmappable.Setting(resource, setting, $"it probes '{http.EndpointReference.EndpointName}', which is not an HTTP endpoint of the resource");
            // What the API server would reject at apply time, refused now.
            if (probe.InitialDelaySeconds < 0 || probe.PeriodSeconds < 1 || probe.TimeoutSeconds < 1 || probe.FailureThreshold < 1 || probe.SuccessThreshold < 1)
            {
                throw Unmappable.Setting(resource, setting, "its delay must be at least 0, and its period, timeout and thresholds at least 1");
            }

            if (probe.Type != ProbeType.Readiness && probe.SuccessThreshold != 1)
            {
                throw Unmappable.Setting(resource, setting, "only a readiness probe may ask for more than one success in a row");
            }

            return new ProbeSpec(probe.Type, port.Name, http.Path, probe.InitialDelaySeconds, probe.PeriodSeconds, probe.TimeoutSeconds,
                probe.FailureThreshold, probe.SuccessThreshold);
        })];

    private static ScrapeSpec? Scrape(IResource resource, IReadOnlyList<PortSpec> ports)
    {
        if (resource.Annotations.OfType<PrometheusScrapeAnnotation>().SingleOrDefault() is not { } scrape)
        {
            return null;
        }

        if (!ports.Any(port => port.Name == scrape.EndpointName && port.Scheme == "http"))
        {
            throw Unmappable.Setting(resource, $"WithPrometheusScrape(\"{scrape.EndpointName}\")", "the resource has no such HTTP endpoint");
        }

        return new ScrapeSpec(scrape.EndpointName, scrape.Path);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex PortName();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotInDnsLabel();
}
