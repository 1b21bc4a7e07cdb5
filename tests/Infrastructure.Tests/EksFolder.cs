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

    /// <summary>Parses every .tf and .tfvars file (skipping the test where the parser is missing); a syntax error fails.</summary>
    public static Task<IReadOnlyDictionary<string, JsonElement>> ParseOrSkipAsync(CancellationToken cancellationToken)
    {
        if (ParserUnavailable is { } reason)
        {
            Assert.Skip(reason);
        }

        return ParseAsync(HclFiles, cancellationToken);
    }

    /// <summary>Parses the given HCL files, keyed by file name.</summary>
    public static async Task<IReadOnlyDictionary<string, JsonElement>> ParseAsync(IEnumerable<string> files, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("node", ["hcl2json.mjs", .. files], ParserDirectory, cancellationToken);
        Assert.True(result.ExitCode == 0, $"HCL parse failed: {result.Error}");
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement.EnumerateObject().ToDictionary(file => System.IO.Path.GetFileName(file.Name), file => file.Value.Clone());
    }

    public static YamlMappingNode LoadValues(string fileName) => ParseValues(File.ReadAllText(System.IO.Path.Combine(Path, "values", fileName)));

    public static YamlMappingNode ParseValues(string yaml)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(yaml);
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    /// <summary>The scalar at a path of a values file (keys joined by dots, a dot inside a key escaped as <c>\.</c>), or null.</summary>
    public static string? Scalar(YamlMappingNode root, string path) => Node(root, path) is YamlScalarNode scalar ? scalar.Value : null;

    public static YamlNode? Node(YamlMappingNode root, string path)
    {
        YamlNode? node = root;
        foreach (var key in ValuesPath.Split(path))
        {
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        return node;
    }

    public static IEnumerable<JsonElement> Blocks(IReadOnlyDictionary<string, JsonElement> files, string type) =>
        files.Values.Where(file => file.ValueKind == JsonValueKind.Object && file.TryGetProperty(type, out _)).Select(file => file.GetProperty(type));

    /// <summary>Every resource of a type, by name, with its single body.</summary>
    public static IEnumerable<(string Name, JsonElement Body)> Resources(IReadOnlyDictionary<string, JsonElement> files, string type) =>
        Blocks(files, "resource").Where(r => r.TryGetProperty(type, out _))
            .SelectMany(r => r.GetProperty(type).EnumerateObject().Select(resource => (resource.Name, resource.Value[0])));

    /// <summary>Every module block, by name, with its single body.</summary>
    public static IEnumerable<(string Name, JsonElement Body)> Modules(IReadOnlyDictionary<string, JsonElement> files) =>
        Blocks(files, "module").SelectMany(block => block.EnumerateObject()).Select(module => (module.Name, module.Value[0]));

    /// <summary>Every variable block, by name, with its single body.</summary>
    public static IEnumerable<(string Name, JsonElement Body)> Variables(IReadOnlyDictionary<string, JsonElement> files) =>
        Blocks(files, "variable").SelectMany(block => block.EnumerateObject()).Select(variable => (variable.Name, variable.Value[0]));

    /// <summary>The chart versions pinned in <c>local.charts</c>.</summary>
    public static IReadOnlyDictionary<string, string> ChartVersions(IReadOnlyDictionary<string, JsonElement> files) =>
        Blocks(files, "locals").SelectMany(block => block.EnumerateArray())
            .Single(l => l.TryGetProperty("charts", out _)).GetProperty("charts").EnumerateObject()
            .ToDictionary(c => c.Name, c => c.Value.GetString()!);

    /// <summary>The chart version a helm_release pins (its <c>${local.charts.NAME}</c>).</summary>
    public static string ReleaseVersion(IReadOnlyDictionary<string, JsonElement> files, JsonElement release)
    {
        var reference = release.GetProperty("version").GetString()!;
        const string Prefix = "${local.charts.";
        Assert.StartsWith(Prefix, reference, StringComparison.Ordinal);
        return ChartVersions(files)[reference[Prefix.Length..^1]];
    }
}
