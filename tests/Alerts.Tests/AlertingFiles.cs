using NutritionAspire.Tests;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Alerts.Tests;

/// <summary>The alerting files of the repository: Prometheus rule files, their promtool tests, the runbook, the Helm values.</summary>
public static class AlertingFiles
{
    public static IReadOnlyList<string> RuleFiles { get; } =
        [.. Directory.EnumerateFiles(Dashboards.RulesFolder, "*.yml").Order(StringComparer.Ordinal)];

    public static IReadOnlyList<string> PromtoolTests { get; } =
        [.. Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "tests", "Alerts.Tests", "promtool"), "*.test.yml").Order(StringComparer.Ordinal)];

    public static string Runbook { get; } = Path.Combine(RepositoryPaths.Root, "docs", "runbook.md");

    public static string ValuesFile(string name) => Path.Combine(RepositoryPaths.Root, "manifests", "eks", "values", name);

    public static YamlMappingNode Load(string path) => Parse(File.ReadAllText(path));

    public static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(yaml);
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    /// <summary>The node at a dotted path of mapping keys, or null.</summary>
    public static YamlNode? Node(YamlNode root, string path)
    {
        YamlNode? node = root;
        foreach (var key in path.Split('.'))
        {
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        return node;
    }

    public static string? Scalar(YamlNode root, string path) => (Node(root, path) as YamlScalarNode)?.Value;

    /// <summary>Every rule (recording or alerting) of a rule file's <c>groups</c>.</summary>
    public static IEnumerable<YamlMappingNode> Rules(YamlNode ruleFile) =>
        ((YamlSequenceNode)Node(ruleFile, "groups")!).Cast<YamlMappingNode>()
            .SelectMany(group => ((YamlSequenceNode)Node(group, "rules")!).Cast<YamlMappingNode>());

    /// <summary>The names of the alerts of every Prometheus rule file.</summary>
    public static IReadOnlyList<string> PrometheusAlerts() =>
        [.. RuleFiles.SelectMany(file => Rules(Load(file))).Select(rule => Scalar(rule, "alert")).OfType<string>()];
}
