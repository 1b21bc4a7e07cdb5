namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// The peer the services' OTLP export goes to, as a Cilium egress rule has to select it. A Service of the cluster is
/// a bare name (the pods' own namespace, the first search domain) or has <c>svc</c> as its third label
/// (<c>&lt;service&gt;.&lt;namespace&gt;.svc[.&lt;cluster domain&gt;]</c>), and is selected by its namespace, because
/// <c>toFQDNs</c> never selects pods; any other host of three or more labels is outside the cluster and is selected by
/// exactly its name, the name Cilium's DNS proxy records once the pod's search domains have failed. A two-label host
/// may be either, <c>otel-collector.observability</c> or <c>honeycomb.io</c>: the pod's resolver tries it as
/// <c>&lt;service&gt;.&lt;namespace&gt;</c> first, so <see cref="OtlpEndpointLocation"/> must say which it is.
/// </summary>
public abstract record OtlpDestination(int Port)
{
    /// <summary>The in-cluster Aspire dashboard of these manifests.</summary>
    public sealed record Dashboard(int Port) : OtlpDestination(Port);

    /// <summary>A Service of the cluster in <paramref name="Namespace"/>, or in the manifests' own namespace when it is null.</summary>
    public sealed record ClusterService(string? Namespace, int Port) : OtlpDestination(Port);

    /// <summary>A host outside the cluster.</summary>
    public sealed record ExternalHost(string Name, int Port) : OtlpDestination(Port);

    /// <summary>Reads the destination of <c>otlp-endpoint</c>, or throws a message naming the parameter to set.</summary>
    public static OtlpDestination Of(KubernetesSettings options)
    {
        var endpoint = new Uri(options.OtlpEndpoint);
        if (endpoint.HostNameType is not UriHostNameType.Dns)
        {
            throw Invalid($"{Option(nameof(options.OtlpEndpoint))} must name its host, got the address '{endpoint.Host}': " +
                "network policies select a peer by its namespace or its DNS name.");
        }

        var host = endpoint.Host.TrimEnd('.');
        var labels = host.Split('.');
        var location = options.OtlpEndpointLocation;
        if (labels.Length == 2)
        {
            return location switch
            {
                OtlpEndpointLocation.Cluster => new ClusterService(labels[1], endpoint.Port),
                OtlpEndpointLocation.External => new ExternalHost(host, endpoint.Port),
                _ => throw Invalid(
                    $"{Option(nameof(options.OtlpEndpoint))} host '{host}' may be Service '{labels[0]}' of namespace '{labels[1]}' " +
                    "(the pods' resolver tries that first) or a host outside the cluster: set parameter " +
                    $"{KubernetesSetting.OtlpEndpointLocation.ParameterName} to {OtlpEndpointLocation.Cluster} or {OtlpEndpointLocation.External}."),
            };
        }

        OtlpDestination destination = labels switch
        {
            [AspireDashboardManifests.Name] when endpoint.Port == AspireDashboardManifests.OtlpPort => new Dashboard(endpoint.Port),
            [_] => new ClusterService(Namespace: null, endpoint.Port),
            [_, var ns, "svc", ..] => new ClusterService(ns, endpoint.Port),
            _ => new ExternalHost(host, endpoint.Port),
        };
        var derived = destination is ExternalHost ? OtlpEndpointLocation.External : OtlpEndpointLocation.Cluster;
        if (location is { } stated && stated != derived)
        {
            throw Invalid($"{Option(nameof(options.OtlpEndpointLocation))} is {stated}, but host '{host}' is " +
                (derived == OtlpEndpointLocation.Cluster ? "a Service of the cluster" : "outside the cluster") + " by its form.");
        }

        return destination;
    }

    private static string Option(string name) => name switch
    {
        nameof(KubernetesSettings.OtlpEndpoint) => $"Parameter {KubernetesSetting.OtlpEndpoint.ParameterName}",
        _ => $"Parameter {KubernetesSetting.OtlpEndpointLocation.ParameterName}",
    };

    private static InvalidOperationException Invalid(string message) => new(message);
}
