using Aspire.Hosting.ApplicationModel;
using Google.Protobuf.Reflection;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>The gRPC services a resource serves on its HTTP/2 endpoint: its callers may send exactly their methods.</summary>
public sealed class GrpcServicesAnnotation(IReadOnlyList<ServiceDescriptor> services) : IResourceAnnotation
{
    public IReadOnlyList<ServiceDescriptor> Services { get; } = services;

    /// <summary>The HTTP/2 path of every method, as a gRPC call sends it: <c>/bmr.BMRService/SayHello</c>.</summary>
    public IEnumerable<string> MethodPaths => Services.SelectMany(service => service.Methods.Select(method => $"/{service.FullName}/{method.Name}"));
}

/// <summary>The HTTP routes an endpoint serves to the callers of the cluster that reference it.</summary>
public sealed class HttpRoutesAnnotation(string endpointName, IReadOnlyList<HttpRoute> routes) : IResourceAnnotation
{
    public string EndpointName { get; } = endpointName;

    public IReadOnlyList<HttpRoute> Routes { get; } = routes;
}

/// <summary>The routes of the resource's external HTTP endpoint the ingress may reach.</summary>
public sealed class PublicRoutesAnnotation(IReadOnlyList<HttpRoute> routes) : IResourceAnnotation
{
    public IReadOnlyList<HttpRoute> Routes { get; } = routes;
}

/// <summary>
/// The configuration keys under which the resource behind the ingress reads what the cluster settings say of its
/// public edge (<see cref="KubernetesResourceExtensions.WithIngressEdgeConfiguration"/>).
/// </summary>
public sealed class IngressEdgeAnnotation(string sourceNetworksKey, string httpsKey) : IResourceAnnotation
{
    /// <summary>The key of the list of networks the ingress connects from: <c>&lt;key&gt;:0</c>, <c>&lt;key&gt;:1</c>, …</summary>
    public string SourceNetworksKey { get; } = sourceNetworksKey;

    /// <summary>The key set to <c>true</c> when TLS ends before the ingress.</summary>
    public string HttpsKey { get; } = httpsKey;
}

/// <summary>Prometheus scrapes <see cref="Path"/> on the endpoint (a ServiceMonitor, and a policy admitting it).</summary>
public sealed class PrometheusScrapeAnnotation(string endpointName, string path) : IResourceAnnotation
{
    public string EndpointName { get; } = endpointName;

    public string Path { get; } = path;
}

/// <summary>Changes the generated objects of one resource (<see cref="KubernetesResourceExtensions.PublishAsKubernetesService"/>).</summary>
public sealed class KubernetesCustomizationAnnotation(Action<KubernetesWorkload> configure) : IResourceAnnotation
{
    public Action<KubernetesWorkload> Configure { get; } = configure;
}

/// <summary>Grafana dashboards (<c>*.json</c>) shipped as sidecar ConfigMaps, from a folder relative to the AppHost.</summary>
public sealed class GrafanaDashboardsAnnotation(string folder, string grafanaFolder) : IResourceAnnotation
{
    public string Folder { get; } = folder;

    /// <summary>The Grafana folder the dashboards appear in.</summary>
    public string GrafanaFolder { get; } = grafanaFolder;
}

/// <summary>
/// Prometheus rule files (<c>*.yml</c>) shipped as PrometheusRules, from a folder relative to the AppHost. Their
/// expressions select the app by <see cref="SelectedNamespace"/>, so they are shipped only to that namespace.
/// </summary>
public sealed class PrometheusRulesAnnotation(string folder, string selectedNamespace) : IResourceAnnotation
{
    public string Folder { get; } = folder;

    public string SelectedNamespace { get; } = selectedNamespace;
}
