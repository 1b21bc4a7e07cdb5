using System.Text.Json;
using System.Text.RegularExpressions;

namespace NutritionAspire.Tests;

/// <summary>The Grafana dashboards of <c>AppHost/Observability/grafana/dashboards</c> and their queries.</summary>
public static partial class Dashboards
{
    public const string NutritionServices = "nutrition-services.json";

    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "AppHost", "Observability", "grafana", "dashboards");

    public static string PrometheusConfiguration { get; } = Path.Combine(RepositoryPaths.Root, "AppHost", "Observability", "prometheus", "prometheus.yml");

    /// <summary>The Prometheus rule files (AppHost's <c>PrometheusRuleFiles.Folder</c>), loaded beside <see cref="PrometheusConfiguration"/>.</summary>
    public static string RulesFolder { get; } = Path.Combine(RepositoryPaths.Root, "AppHost", "Observability", "rules");

    /// <summary>The series names the rule files record (<c>record: name</c>), which dashboards may query like metrics.</summary>
    public static IReadOnlySet<string> RecordedNames { get; } = Directory.EnumerateFiles(RulesFolder, "*.yml")
        .SelectMany(file => RecordingRule().Matches(File.ReadAllText(file)).Select(match => match.Groups["name"].Value))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Every query expression of a dashboard's panels (rows, which only group panels, have none).</summary>
    public static IReadOnlyList<string> Queries(string fileName)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, fileName)));
        return [.. document.RootElement.GetProperty("panels").EnumerateArray()
            .Where(panel => !IsRow(panel))
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!)];
    }

    public static bool IsRow(JsonElement panel) => panel.GetProperty("type").GetString() == "row";

    /// <summary>A query as Grafana sends it: the template variables replaced (every service, a one-minute rate window).</summary>
    public static string Resolve(string query) => query
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$__range", "5m", StringComparison.Ordinal)
        .Replace("$service", ".*", StringComparison.Ordinal);

    /// <summary>The metric names a PromQL query selects (a name followed by a label matcher or a range).</summary>
    public static IEnumerable<string> MetricNames(string query) =>
        MetricSelector().Matches(query).Select(match => match.Groups["name"].Value).Distinct();

    /// <summary>The label names a PromQL query matches on inside selectors.</summary>
    public static IEnumerable<string> MatcherLabels(string query) =>
        LabelMatcher().Matches(query).Select(match => match.Groups["label"].Value).Distinct();

    [GeneratedRegex(@"(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*[\{\[]")]
    private static partial Regex MetricSelector();

    [GeneratedRegex(@"[\{,]\s*(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)")]
    private static partial Regex LabelMatcher();

    [GeneratedRegex(@"^\s*-\s*record:\s*(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*$", RegexOptions.Multiline)]
    private static partial Regex RecordingRule();
}
