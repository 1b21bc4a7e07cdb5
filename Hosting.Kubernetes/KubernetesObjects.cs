using System.Globalization;
using k8s.Models;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>The labels, selectors and metadata every generated object shares.</summary>
public static class KubernetesObjects
{
    /// <summary>The selector label (the one Aspirate uses too).</summary>
    public const string AppLabel = "app";

    /// <summary>Labels every object with the environment's name, the application it is part of.</summary>
    public const string PartOfLabel = "app.kubernetes.io/part-of";

    /// <summary>The label Cilium gives every endpoint with the namespace of its pod.</summary>
    public const string PodNamespaceLabel = "k8s:io.kubernetes.pod.namespace";

    public static V1LabelSelector App(string name) => new() { MatchLabels = Labels((AppLabel, name)) };

    /// <summary>Selects the pods of any of <paramref name="names"/> (one label selector, so one peer).</summary>
    public static V1LabelSelector AnyApp(IEnumerable<string> names) => new()
    {
        MatchExpressions = [new V1LabelSelectorRequirement { Key = AppLabel, OperatorProperty = "In", Values = [.. names.Order(StringComparer.Ordinal)] }],
    };

    public static V1LabelSelector InNamespace(string ns) => new() { MatchLabels = Labels((PodNamespaceLabel, ns)) };

    public static V1ObjectMeta Metadata(string name, string app, string partOf) => new() { Name = name, Labels = ServiceLabels(app, partOf) };

    /// <summary><c>app</c> is the selector label; the others are the recommended labels.</summary>
    public static Dictionary<string, string> ServiceLabels(string app, string partOf) =>
        Labels((AppLabel, app), ("app.kubernetes.io/name", app), (PartOfLabel, partOf));

    /// <summary>Labels or annotations in key order, so the YAML is the same on every run.</summary>
    public static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.OrderBy(label => label.Key, StringComparer.Ordinal).ToDictionary(label => label.Key, label => label.Value);

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
