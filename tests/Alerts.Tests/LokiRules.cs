using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Alerts.Tests;

/// <summary>The Loki ruler's rule files: the data of the <c>loki_rule</c> ConfigMaps in the Loki chart's <c>extraObjects</c>.</summary>
public static class LokiRules
{
    public static YamlMappingNode Values => AlertingFiles.Load(AlertingFiles.ValuesFile("loki.yaml"));

    public static IReadOnlyList<YamlMappingNode> ConfigMaps() =>
        [.. ((YamlSequenceNode)AlertingFiles.Node(Values, "extraObjects")!).Cast<YamlMappingNode>()
            .Where(o => AlertingFiles.Scalar(o, "kind") == "ConfigMap" && AlertingFiles.Node(o, "metadata.labels.loki_rule") is not null)];

    public static IReadOnlyList<(string Name, string Text, YamlMappingNode Content)> RuleFiles() =>
        [.. ConfigMaps().SelectMany(configMap => ((YamlMappingNode)AlertingFiles.Node(configMap, "data")!).Children)
            .Select(file => (file.Key.ToString(), file.Value.ToString(), AlertingFiles.Parse(file.Value.ToString())))];
}
