using System.Text.Json;
using NutritionAspire.Tests;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>
/// The key paths of a pinned chart's default values, from <c>Upstream/charts/&lt;chart&gt;-&lt;version&gt;.tsv</c>
/// (written by <c>Upstream/refresh.py</c>): each path with its default, <c>{}</c>, <c>[]</c>, <c>open</c> (a map the
/// chart renders whole) or <c>read</c> (no default, but the templates read it).
/// </summary>
public sealed class ChartDefaults
{
    private const string Open = "open";

    private readonly Dictionary<string, string> entries;
    private readonly HashSet<string> maps;

    private ChartDefaults(string name, Dictionary<string, string> entries)
    {
        Name = name;
        this.entries = entries;
        maps = [.. entries.Keys.SelectMany(Ancestors)];
    }

    public string Name { get; }

    /// <summary>Every path of the data.</summary>
    public IEnumerable<string> Paths => entries.Keys;

    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "tests", "Infrastructure.Tests", "Upstream", "charts");

    public static ChartDefaults Load(string chart, string version)
    {
        var file = Path.Combine(Folder, $"{chart}-{version}.tsv");
        Assert.True(File.Exists(file),
            $"No key-path data for {chart} {version}: after moving a pin, run tests/Infrastructure.Tests/Upstream/refresh.py and review its diff.");
        var entries = File.ReadLines(file).Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Split('\t', 2)).ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        return new ChartDefaults($"{chart} {version}", entries);
    }

    /// <summary>The default at a path as written in the data (a JSON scalar, {}, [], open or read), or null.</summary>
    public string? Default(string path) => entries.GetValueOrDefault(path);

    /// <summary>A scalar of the values, else the chart's default (JSON strings unquoted), or null.</summary>
    public string? Effective(YamlMappingNode values, string path) =>
        EksFolder.Scalar(values, path) ?? Default(path) switch
        {
            null => null,
            ['"', ..] and var text => JsonSerializer.Deserialize<string>(text),
            var text => text,
        };

    /// <summary>Whether the chart uses a key at this path: one of its defaults, a map of them, or under a map it takes whole.</summary>
    public bool Uses(IReadOnlyList<string> keys)
    {
        for (var length = 1; length < keys.Count; length++)
        {
            if (entries.TryGetValue(ValuesPath.Join(keys.Take(length)), out var value) && TakesAnyKey(value))
            {
                return true;
            }
        }

        var path = ValuesPath.Join(keys);
        return entries.ContainsKey(path) || maps.Contains(path);
    }

    /// <summary>The paths of a values document that the chart does not use.</summary>
    public IEnumerable<string> UnusedKeys(YamlMappingNode values, IReadOnlyList<string>? parent = null)
    {
        foreach (var (key, value) in values.Children)
        {
            IReadOnlyList<string> keys = [.. parent ?? [], ((YamlScalarNode)key).Value!];
            var path = ValuesPath.Join(keys);
            if (!Uses(keys))
            {
                yield return path;
            }
            else if (value is YamlMappingNode mapping && !(entries.TryGetValue(path, out var kind) && TakesAnyKey(kind)))
            {
                foreach (var unused in UnusedKeys(mapping, keys))
                {
                    yield return unused;
                }
            }
        }
    }

    /// <summary>A default map the chart renders whole, an empty map or null: any key under it is the user's to choose.</summary>
    private static bool TakesAnyKey(string value) => value is Open or "{}" or "null";

    private static IEnumerable<string> Ancestors(string path)
    {
        var keys = ValuesPath.Split(path);
        return Enumerable.Range(1, keys.Count - 1).Select(length => ValuesPath.Join(keys.Take(length)));
    }

    public override string ToString() => Name;
}
