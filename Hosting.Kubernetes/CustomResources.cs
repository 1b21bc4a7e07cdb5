using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using YamlDotNet.Serialization;

namespace NutritionAspire.Hosting.Kubernetes;

// Typed models of the custom resources KubernetesClient does not ship, with only the fields the manifests use.

/// <summary>cilium.io/v2 CiliumNetworkPolicy.</summary>
public sealed class CiliumNetworkPolicy : IKubernetesObject<V1ObjectMeta>
{
    public const string ApiGroupVersion = "cilium.io/v2";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "CiliumNetworkPolicy";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public CiliumPolicySpec Spec { get; set; } = new();
}

public sealed class CiliumPolicySpec
{
    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("endpointSelector")]
    public V1LabelSelector EndpointSelector { get; set; } = new();

    [JsonPropertyName("ingress")]
    public IList<CiliumRule>? Ingress { get; set; }

    [JsonPropertyName("egress")]
    public IList<CiliumRule>? Egress { get; set; }
}

/// <summary>One rule: its peers and its ports are ANDed (a peer may only use the listed ports).</summary>
public sealed class CiliumRule
{
    [JsonPropertyName("fromEndpoints")]
    public IList<V1LabelSelector>? FromEndpoints { get; set; }

    [JsonPropertyName("fromEntities")]
    public IList<string>? FromEntities { get; set; }

    [JsonPropertyName("toEndpoints")]
    public IList<V1LabelSelector>? ToEndpoints { get; set; }

    // KubernetesYaml derives the names of types it does not ship from their property names (camel case), which would
    // give "toFqdns", a field Cilium does not know.
    [JsonPropertyName("toFQDNs")]
    [YamlMember(Alias = "toFQDNs", ApplyNamingConventions = false)]
    public IList<CiliumFqdn>? ToFqdns { get; set; }

    [JsonPropertyName("toPorts")]
    public IList<CiliumPortRule>? ToPorts { get; set; }
}

public sealed class CiliumFqdn
{
    [JsonPropertyName("matchName")]
    public string? MatchName { get; set; }
}

public sealed class CiliumPortRule
{
    [JsonPropertyName("ports")]
    public IList<CiliumPort> Ports { get; set; } = [];

    [JsonPropertyName("rules")]
    public CiliumL7Rules? Rules { get; set; }
}

public sealed class CiliumPort
{
    [JsonPropertyName("port")]
    public string Port { get; set; } = "";

    [JsonPropertyName("protocol")]
    public string Protocol { get; set; } = "TCP";
}

public sealed class CiliumL7Rules
{
    [JsonPropertyName("http")]
    public IList<CiliumHttpRule>? Http { get; set; }

    [JsonPropertyName("dns")]
    public IList<CiliumDnsRule>? Dns { get; set; }
}

public sealed class CiliumHttpRule
{
    [JsonPropertyName("method")]
    public string Method { get; set; } = "";

    [JsonPropertyName("path")]
    public string Path { get; set; } = "";
}

public sealed class CiliumDnsRule
{
    [JsonPropertyName("matchPattern")]
    public string MatchPattern { get; set; } = "";
}

/// <summary>monitoring.coreos.com/v1 ServiceMonitor (Prometheus Operator).</summary>
public sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    public const string ApiGroupVersion = "monitoring.coreos.com/v1";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ServiceMonitor";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ServiceMonitorSpec Spec { get; set; } = new();
}

public sealed class ServiceMonitorSpec
{
    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    [JsonPropertyName("endpoints")]
    public IList<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}

public sealed class ServiceMonitorEndpoint
{
    [JsonPropertyName("port")]
    public string Port { get; set; } = "";

    [JsonPropertyName("path")]
    public string Path { get; set; } = "";

    [JsonPropertyName("interval")]
    public string Interval { get; set; } = "";
}

/// <summary>kustomize.config.k8s.io/v1beta1 Kustomization.</summary>
public sealed class Kustomization
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "kustomize.config.k8s.io/v1beta1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Kustomization";

    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("resources")]
    public IList<string> Resources { get; set; } = [];
}
