using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace NutritionAspire.Hosting.Kubernetes;

// Typed model of the Prometheus Operator's PrometheusRule, with the fields of a Prometheus rule file the project uses.

/// <summary>monitoring.coreos.com/v1 PrometheusRule: the groups of one Prometheus rule file.</summary>
public sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    public const string ApiGroupVersion = "monitoring.coreos.com/v1";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "PrometheusRule";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public PrometheusRuleSpec Spec { get; set; } = new();
}

/// <summary>The spec, which is also the whole of a Prometheus rule file (<c>groups:</c>).</summary>
public sealed class PrometheusRuleSpec
{
    [JsonPropertyName("groups")]
    public IList<PrometheusRuleGroup> Groups { get; set; } = [];
}

public sealed class PrometheusRuleGroup
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("interval")]
    public string? Interval { get; set; }

    [JsonPropertyName("rules")]
    public IList<PrometheusRuleEntry> Rules { get; set; } = [];
}

/// <summary>A recording rule (<see cref="Record"/>) or an alerting rule (<see cref="Alert"/>).</summary>
public sealed class PrometheusRuleEntry
{
    [JsonPropertyName("record")]
    public string? Record { get; set; }

    [JsonPropertyName("alert")]
    public string? Alert { get; set; }

    [JsonPropertyName("expr")]
    public string Expr { get; set; } = "";

    [JsonPropertyName("for")]
    public string? For { get; set; }

    [JsonPropertyName("labels")]
    public IDictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("annotations")]
    public IDictionary<string, string>? Annotations { get; set; }
}
