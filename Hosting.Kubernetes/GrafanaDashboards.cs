using k8s.Models;
using static NutritionAspire.Hosting.Kubernetes.KubernetesObjects;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>Grafana dashboards, for the kube-prometheus-stack sidecar that loads ConfigMaps labelled <c>grafana_dashboard</c>.</summary>
public static class GrafanaDashboards
{
    public const string Folder = "grafana-dashboards";

    /// <summary>The dashboards (<c>*.json</c>) of the declared folder, relative to <paramref name="appHostDirectory"/>.</summary>
    public static IEnumerable<(string File, object Object)> For(GrafanaDashboardsAnnotation declared, string appHostDirectory, KubernetesSettings settings) =>
        Directory.EnumerateFiles(Path.Combine(appHostDirectory, declared.Folder), "*.json")
            .Order(StringComparer.Ordinal)
            .Select(path => ($"{Path.GetFileNameWithoutExtension(path)}.yaml",
                (object)ConfigMap(Path.GetFileName(path), File.ReadAllText(path).ReplaceLineEndings("\n"), declared.GrafanaFolder, settings)));

    private static V1ConfigMap ConfigMap(string fileName, string json, string grafanaFolder, KubernetesSettings settings) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = $"grafana-dashboard-{Path.GetFileNameWithoutExtension(fileName)}",
            Labels = Labels(("grafana_dashboard", "1"), (PartOfLabel, settings.Application)),
            Annotations = Labels(("grafana_folder", grafanaFolder)),
        },
        Data = new Dictionary<string, string> { [fileName] = json },
    };
}
