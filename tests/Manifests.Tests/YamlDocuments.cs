using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// Reads YAML with YamlDotNet's representation model, a parser of its own (not the serializer that wrote the files),
/// and walks it by paths such as <c>spec.template.spec.containers[0].image</c>.
/// </summary>
public static class YamlDocuments
{
    /// <summary>Every document of <paramref name="yaml"/>.</summary>
    public static IReadOnlyList<YamlMappingNode> Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(document => (YamlMappingNode)document.RootNode)];
    }

    public static YamlMappingNode LoadOne(string yaml) => Assert.Single(Load(yaml));

    /// <summary>The node at <paramref name="path"/>, or null where a key or an index is missing.</summary>
    public static YamlNode? At(this YamlNode node, string path)
    {
        YamlNode? current = node;
        foreach (var step in path.Split('.'))
        {
            var (key, index) = step.IndexOf('[', StringComparison.Ordinal) is var bracket and >= 0
                ? (step[..bracket], int.Parse(step[(bracket + 1)..^1], CultureInfo.InvariantCulture))
                : (step, -1);
            current = current is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
            if (index >= 0)
            {
                current = current is YamlSequenceNode sequence && index < sequence.Children.Count ? sequence.Children[index] : null;
            }

            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>The scalar at <paramref name="path"/>, or null.</summary>
    public static string? Text(this YamlNode node, string path) => (node.At(path) as YamlScalarNode)?.Value;

    public static IReadOnlyList<YamlNode> Items(this YamlNode node, string path) => node.At(path) is YamlSequenceNode sequence ? [.. sequence.Children] : [];

    /// <summary>The keys and scalar values of the mapping at <paramref name="path"/>.</summary>
    public static IReadOnlyDictionary<string, string> Map(this YamlNode node, string path) => node.At(path) is YamlMappingNode mapping
        ? mapping.Children.ToDictionary(entry => ((YamlScalarNode)entry.Key).Value!, entry => (entry.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal)
        : new Dictionary<string, string>();

    public static string Kind(this YamlNode node) => node.Text("kind") ?? "";

    public static string Name(this YamlNode node) => node.Text("metadata.name") ?? "";
}
