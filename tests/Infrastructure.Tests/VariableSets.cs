using System.Text.Json;
using System.Text.RegularExpressions;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>
/// The values the variables of <c>manifests/eks</c> can take, as far as names go: their defaults, the defaults with each
/// <c>.tfvars</c> applied, and, for each string variable a validation bounds by <c>length(var.X) &lt;= N</c>, the defaults
/// with that variable at its longest (N characters).
/// </summary>
public static partial class VariableSets
{
    public static IReadOnlyList<(string Label, IReadOnlyDictionary<string, string> Values)> Of(IReadOnlyDictionary<string, JsonElement> files)
    {
        var variables = EksFolder.Variables(files).ToList();
        var defaults = variables
            .Where(v => v.Body.TryGetProperty("default", out var value) && value.ValueKind == JsonValueKind.String)
            .ToDictionary(v => v.Name, v => v.Body.GetProperty("default").GetString()!);

        var sets = new List<(string, IReadOnlyDictionary<string, string>)> { ("the defaults", defaults) };
        foreach (var (file, content) in files.Where(f => f.Key.EndsWith(".tfvars", StringComparison.Ordinal)))
        {
            var values = new Dictionary<string, string>(defaults);
            foreach (var entry in content.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.String))
            {
                values[entry.Name] = entry.Value.GetString()!;
            }

            sets.Add((file, values));
        }

        foreach (var (name, body) in variables.Where(v => v.Body.TryGetProperty("validation", out _)))
        {
            foreach (var validation in body.GetProperty("validation").EnumerateArray())
            {
                if (LengthBound().Match(validation.GetProperty("condition").GetString()!) is { Success: true } bound && bound.Groups["name"].Value == name)
                {
                    var longest = int.Parse(bound.Groups["max"].Value, System.Globalization.CultureInfo.InvariantCulture);
                    sets.Add(($"{name} at its longest ({longest} characters)", new Dictionary<string, string>(defaults) { [name] = new string('a', longest) }));
                }
            }
        }

        return sets;
    }

    [GeneratedRegex(@"length\(var\.(?<name>\w+)\)\s*<=\s*(?<max>\d+)")]
    private static partial Regex LengthBound();
}
