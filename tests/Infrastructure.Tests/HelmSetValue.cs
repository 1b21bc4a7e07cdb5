using System.Text.RegularExpressions;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>
/// What Helm's <c>--set</c> parser (strvals), which the helm provider 2.x applies to every <c>set</c> block, would do to
/// a value: a comma ends the value and starts another key, and <c>{a,b}</c> is a list, so only plain scalars belong there.
/// </summary>
public static partial class HelmSetValue
{
    /// <summary>Functions that turn one scalar into another scalar, so they keep a plain reference plain.</summary>
    private static readonly HashSet<string> ScalarFunctions = ["trimprefix", "trimsuffix", "trimspace", "lower", "upper", "tostring"];

    /// <summary>Why a literal would not reach the chart as the one string it is, or null.</summary>
    public static string? Misread(string value) =>
        value.Contains(',', StringComparison.Ordinal) ? "a comma ends the value and starts another key"
        : value.StartsWith('{') && value.EndsWith('}') ? "{…} is read as a list"
        : null;

    /// <summary>
    /// The problems of a <c>set</c> value: literals and variables (under every variable set) that Helm would misread,
    /// and interpolations that build structured or composed text, which belong in <c>values</c> (yamlencode).
    /// </summary>
    public static IEnumerable<string> Problems(string value, IReadOnlyList<(string Label, IReadOnlyDictionary<string, string> Values)> variableSets)
    {
        foreach (var (isExpression, text) in HclText.Parts(value))
        {
            var problems = isExpression ? ExpressionProblems(text, variableSets) : Misread(text) is { } reason ? [$"\"{text}\": {reason}"] : [];
            foreach (var problem in problems)
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<string> ExpressionProblems(string expression, IReadOnlyList<(string Label, IReadOnlyDictionary<string, string> Values)> variableSets)
    {
        if (Call().Match(expression) is { Success: true } call && ScalarFunctions.Contains(call.Groups["function"].Value))
        {
            return ExpressionProblems(call.Groups["argument"].Value.Trim(), variableSets);
        }

        if (!Reference().IsMatch(expression))
        {
            return [$"${{{expression}}} builds a structured or composed value; pass it through values = [yamlencode(…)]"];
        }

        return expression.StartsWith("var.", StringComparison.Ordinal)
            ? variableSets.Where(set => set.Values.ContainsKey(expression[4..]))
                .Select(set => (set.Label, Value: set.Values[expression[4..]], Reason: Misread(set.Values[expression[4..]])))
                .Where(v => v.Reason is not null).Select(v => $"{expression} = \"{v.Value}\" ({v.Label}): {v.Reason}")
            : [];
    }

    /// <summary>A reference to a variable, local, module output or resource attribute: a provider-made scalar.</summary>
    [GeneratedRegex(@"^[A-Za-z_][\w-]*(\.[\w-]+|\[\d+\])+$")]
    private static partial Regex Reference();

    /// <summary>A function call whose first argument is followed only by literal string arguments.</summary>
    [GeneratedRegex(@"^(?<function>\w+)\((?<argument>[^,()]+)(,\s*""[^""]*"")*\)$")]
    private static partial Regex Call();
}
