using System.Text.Json;
using NutritionAspire.Tests;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary><c>manifests/eks</c>: its HCL files in their JSON form (HashiCorp's parser) and its Helm values files.</summary>
public static class EksFolder
{
    public static string Path { get; } = System.IO.Path.Combine(RepositoryPaths.Root, "manifests", "eks");

    private static string ParserDirectory { get; } = System.IO.Path.Combine(RepositoryPaths.Root, "tests", "Infrastructure.Tests", "hcl");

    public static IReadOnlyList<string> HclFiles { get; } =
        [.. Directory.EnumerateFiles(Path, "*.tf").Concat(Directory.EnumerateFiles(Path, "*.tfvars")).Order(StringComparer.Ordinal)];

    public static IReadOnlyList<string> ValuesFiles { get; } =
        [.. Directory.EnumerateFiles(System.IO.Path.Combine(Path, "values"), "*.yaml").Order(StringComparer.Ordinal)];

    /// <summary>Why the HCL parser cannot run here, or null when it can.</summary>
    public static string? ParserUnavailable =>
        !File.Exists(System.IO.Path.Combine(ParserDirectory, "node_modules", "@cdktf", "hcl2json", "package.json"))
            ? "The HCL parser is not installed: run `npm ci --prefix tests/Infrastructure.Tests/hcl` (.ci/run does)."
            : null;

    /// <summary>Parses every .tf and .tfvars file; a syntax error fails with the parser's message.</summary>
    public static async Task<IReadOnlyDictionary<string, JsonElement>> ParseAsync(CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("node", ["hcl2json.mjs", .. HclFiles], ParserDirectory, cancellationToken);
        Assert.True(result.ExitCode == 0, $"HCL parse failed: {result.Error}");
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement.EnumerateObject().ToDictionary(file => System.IO.Path.GetFileName(file.Name), file => file.Value.Clone());
    }

    public static YamlMappingNode LoadValues(string fileName)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(System.IO.Path.Combine(Path, "values", fileName)));
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    /// <summary>The scalar at a dotted path of a values file, or null.</summary>
    public static string? Scalar(YamlMappingNode root, string path) => Node(root, path) is YamlScalarNode scalar ? scalar.Value : null;

    public static YamlNode? Node(YamlMappingNode root, string path)
    {
        YamlNode? node = root;
        foreach (var key in path.Split('.'))
        {
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        return node;
    }
}
