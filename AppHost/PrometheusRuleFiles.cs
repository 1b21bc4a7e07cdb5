namespace NutritionAspire.AppHost;

/// <summary>
/// The Prometheus rule files (SLO recording rules and alerts): one folder that the local Prometheus loads and the
/// <c>kubernetes-manifests</c> step ships to the cluster as PrometheusRule objects.
/// </summary>
public static class PrometheusRuleFiles
{
    /// <summary>The folder of the rule files, relative to the AppHost's directory.</summary>
    public const string Folder = "Observability/rules";

    /// <summary>Every <c>*.yml</c> rule file by file name, with <c>\n</c> line endings.</summary>
    public static IReadOnlyDictionary<string, string> Read(string appHostDirectory) =>
        Directory.EnumerateFiles(Path.Combine(appHostDirectory, Folder), "*.yml")
            .ToDictionary(path => Path.GetFileName(path), path => File.ReadAllText(path).ReplaceLineEndings("\n"), StringComparer.Ordinal);
}
