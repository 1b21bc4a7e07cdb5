using System.Text.Json;
using System.Text.RegularExpressions;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>
/// The order OpenTofu creates the blocks of <c>manifests/eks</c> in: a block waits for every resource, module or data
/// source it references (in any expression, <c>depends_on</c> included), and destroy runs the other way round.
/// Blocks are named as in HCL: <c>helm_release.cilium</c>, <c>module.eks</c>, <c>data.aws_availability_zones.available</c>.
/// </summary>
public sealed partial class DependencyGraph
{
    private readonly Dictionary<string, HashSet<string>> direct;

    private DependencyGraph(Dictionary<string, HashSet<string>> direct) => this.direct = direct;

    public IEnumerable<string> Blocks => direct.Keys;

    public static DependencyGraph Of(IReadOnlyDictionary<string, JsonElement> files)
    {
        var bodies = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var resources in EksFolder.Blocks(files, "resource"))
        {
            foreach (var type in resources.EnumerateObject())
            {
                foreach (var resource in type.Value.EnumerateObject())
                {
                    bodies[$"{type.Name}.{resource.Name}"] = resource.Value[0];
                }
            }
        }

        foreach (var sources in EksFolder.Blocks(files, "data"))
        {
            foreach (var type in sources.EnumerateObject())
            {
                foreach (var source in type.Value.EnumerateObject())
                {
                    bodies[$"data.{type.Name}.{source.Name}"] = source.Value[0];
                }
            }
        }

        foreach (var (name, body) in EksFolder.Modules(files))
        {
            bodies[$"module.{name}"] = body;
        }

        // Locals are not blocks of the graph, but a reference through local.X is a reference to what X references.
        var locals = EksFolder.Blocks(files, "locals").SelectMany(block => block.EnumerateArray())
            .SelectMany(l => l.EnumerateObject()).ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal);

        var direct = bodies.ToDictionary(
            block => block.Key,
            block => References(block.Value, bodies.Keys, locals, []).Where(reference => reference != block.Key).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
        return new DependencyGraph(direct);
    }

    /// <summary>Whether <paramref name="block"/> is created after <paramref name="dependency"/> (and destroyed before it).</summary>
    public bool DependsOn(string block, string dependency)
    {
        Assert.True(direct.ContainsKey(block), $"{block} is not a block of manifests/eks.");
        Assert.True(direct.ContainsKey(dependency), $"{dependency} is not a block of manifests/eks.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(direct[block]);
        while (pending.TryPop(out var next))
        {
            if (next == dependency)
            {
                return true;
            }

            if (seen.Add(next))
            {
                foreach (var further in direct[next])
                {
                    pending.Push(further);
                }
            }
        }

        return false;
    }

    private static IEnumerable<string> References(
        JsonElement element, IEnumerable<string> blocks, IReadOnlyDictionary<string, JsonElement> locals, HashSet<string> localsSeen)
    {
        foreach (var text in Strings(element))
        {
            foreach (Match reference in Reference().Matches(text))
            {
                var path = reference.Value;
                if (path.StartsWith("local.", StringComparison.Ordinal))
                {
                    var name = path.Split('.')[1];
                    if (locals.TryGetValue(name, out var local) && localsSeen.Add(name))
                    {
                        foreach (var indirect in References(local, blocks, locals, localsSeen))
                        {
                            yield return indirect;
                        }
                    }

                    continue;
                }

                var block = blocks.FirstOrDefault(b => path == b || path.StartsWith(b + ".", StringComparison.Ordinal) || path.StartsWith(b + "[", StringComparison.Ordinal));
                if (block is not null)
                {
                    yield return block;
                }
            }
        }
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    /// <summary>A dotted name that may start a reference: module.x.y, data.t.n.y, local.x, t.n.y.</summary>
    [GeneratedRegex(@"\b[a-z][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_-]*)+")]
    private static partial Regex Reference();
}
