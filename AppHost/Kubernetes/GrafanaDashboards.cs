using k8s.Models;
using static NutritionAspire.AppHost.Kubernetes.KubernetesObjects;

namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>The project's Grafana dashboards, for the kube-prometheus-stack sidecar that loads ConfigMaps labelled <c>grafana_dashboard</c>.</summary>
public static class GrafanaDashboards
{
    public const string Folder = "grafana-dashboards";

    /// <param name="dashboards">The dashboards by file name (<c>name.json</c>).</param>
    public static IEnumerable<(string File, object Object)> For(IReadOnlyDictionary<string, string> dashboards) =>
        dashboards.OrderBy(dashboard => dashboard.Key, StringComparer.Ordinal)
            .Select(dashboard => ($"{Path.GetFileNameWithoutExtension(dashboard.Key)}.yaml", (object)ConfigMap(dashboard.Key, dashboard.Value)));

    private static V1ConfigMap ConfigMap(string fileName, string json) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = $"grafana-dashboard-{Path.GetFileNameWithoutExtension(fileName)}",
            Labels = Labels(("grafana_dashboard", "1"), (PartOfLabel, PartOf)),
            Annotations = Labels(("grafana_folder", "NutritionAspire")),
        },
        Data = new Dictionary<string, string> { [fileName] = json },
    };
}
