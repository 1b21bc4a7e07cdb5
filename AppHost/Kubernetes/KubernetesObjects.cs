using System.Globalization;
using k8s.Models;

namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>The labels, selectors and metadata every generated object shares.</summary>
public static class KubernetesObjects
{
    /// <summary>The <c>app.kubernetes.io/part-of</c> value of every object; policies select the services by it.</summary>
    public const string PartOf = "nutrition-aspire";

    /// <summary>The selector label (the one Aspirate uses too).</summary>
    public const string AppLabel = "app";

    public const string PartOfLabel = "app.kubernetes.io/part-of";

    /// <summary>The label Cilium gives every endpoint with the namespace of its pod.</summary>
    public const string PodNamespaceLabel = "k8s:io.kubernetes.pod.namespace";

    public static V1LabelSelector App(string name) => new() { MatchLabels = Labels((AppLabel, name)) };

    public static V1LabelSelector InNamespace(string ns) => new() { MatchLabels = Labels((PodNamespaceLabel, ns)) };

    public static V1LabelSelector PartOfTheApplication() => new() { MatchLabels = Labels((PartOfLabel, PartOf)) };

    public static V1ObjectMeta Metadata(string name, string app) => new() { Name = name, Labels = ServiceLabels(app) };

    /// <summary><c>app</c> is the selector label; the others are the recommended labels.</summary>
    public static Dictionary<string, string> ServiceLabels(string app) =>
        Labels((AppLabel, app), ("app.kubernetes.io/name", app), (PartOfLabel, PartOf));

    /// <summary>Labels or annotations in key order, so the YAML is the same on every run.</summary>
    public static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.OrderBy(label => label.Key, StringComparer.Ordinal).ToDictionary(label => label.Key, label => label.Value);

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
