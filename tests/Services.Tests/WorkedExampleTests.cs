using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NutritionAspire.Tests;
using Example = NutritionAspire.Contracts.WorkedExample;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// The worked example has one home, <see cref="Example"/>: its request and answer say what its values say, and the
/// contract and the k6 load under manifests/eks/load, which cannot refer to it, say the same.
/// </summary>
public sealed partial class WorkedExampleTests
{
    [Fact]
    public void TheRequestHoldsTheExamplesMeasures()
    {
        var request = JsonNode.Parse(Example.Request)!.AsObject();

        Assert.Equal(["age", "weight", "height", "gender", "activity_intensity"], request.Select(member => member.Key));
        Assert.Equal(Example.Age, request["age"]!.GetValue<int>());
        Assert.Equal(Example.Weight, request["weight"]!.GetValue<double>());
        Assert.Equal(Example.Height, request["height"]!.GetValue<double>());
        Assert.Equal(Example.Gender, request["gender"]!.GetValue<string>());
        Assert.Equal(Example.Activity, request["activity_intensity"]!.GetValue<string>());
    }

    [Fact]
    public void TheAnswerHoldsTheExamplesResultsPrintedInTheirShortestForm()
    {
        using var answer = JsonDocument.Parse(Example.Response);
        var root = answer.RootElement;
        var recommendations = root.GetProperty("recomendations");

        AssertNumber(Example.Imc, root.GetProperty("imc").GetProperty("result"));
        Assert.Equal(Example.ImcClass, root.GetProperty("imc").GetProperty("class").GetString());
        AssertNumber(Example.Bmr, root.GetProperty("basal").GetProperty("bmr").GetProperty("value"));
        AssertNumber(Example.Necessity, root.GetProperty("basal").GetProperty("necessity").GetProperty("value"));
        AssertNumber(Example.ProteinGrams, recommendations.GetProperty("protein").GetProperty("value"));
        AssertNumber(Example.WaterMillilitres, recommendations.GetProperty("water").GetProperty("value"));
        AssertNumber(Example.CaloriesToMaintain, recommendations.GetProperty("calories").GetProperty("maintain_weight").GetProperty("value"));
        AssertNumber(Example.CaloriesToLose, recommendations.GetProperty("calories").GetProperty("loss_weight").GetProperty("value"));
        AssertNumber(Example.CaloriesToGain, recommendations.GetProperty("calories").GetProperty("gain_weight").GetProperty("value"));
        // health_info repeats the request, with the numbers printed as health-api prints them.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Example.Request), JsonNode.Parse(root.GetProperty("health_info").GetRawText())),
            root.GetProperty("health_info").GetRawText());
    }

    [Fact]
    public void TheContractStatesTheSameExample()
    {
        var contract = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "contract.md"));
        var paragraph = contract[contract.IndexOf("**Worked example.**", StringComparison.Ordinal)..];
        paragraph = paragraph[..paragraph.IndexOf("\n\n", StringComparison.Ordinal)].ReplaceLineEndings(" ");

        Assert.Contains($"`{Example.Request}`", paragraph, StringComparison.Ordinal);
        Assert.Equal(
            [Example.Imc, Example.Bmr, Example.Necessity, Example.ProteinGrams, Example.WaterMillilitres, Example.CaloriesToMaintain, Example.CaloriesToLose, Example.CaloriesToGain],
            ContractFigure().Matches(paragraph[(paragraph.IndexOf("gives", StringComparison.Ordinal))..])
                .Select(match => double.Parse(match.Value, CultureInfo.InvariantCulture)));
        Assert.Contains($"(`{Example.ImcClass}`)", paragraph, StringComparison.Ordinal);
    }

    [Fact]
    public void TheK6LoadOnEksSendsTheExampleAndExpectsItsNecessity()
    {
        var load = Path.Combine(RepositoryPaths.Root, "manifests", "eks", "load");
        var body = JsonNode.Parse(File.ReadAllText(Path.Combine(load, "calculator-body.json")));
        var script = File.ReadAllText(Path.Combine(load, "calculator.js"));
        var scriptBody = K6Body().Match(script);
        var checkedNecessity = K6NecessityCheck().Match(script);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Example.Request), body), body?.ToJsonString());
        Assert.True(scriptBody.Success, "calculator.js builds no body with JSON.stringify({ ... })");
        // The script's object literal, its bare keys quoted, is JSON.
        var scriptObject = JsonNode.Parse(BareKey().Replace(scriptBody.Groups["object"].Value, "\"${key}\":"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Example.Request), scriptObject), scriptObject?.ToJsonString());
        Assert.Contains($"`${{baseUrl}}{Example.Path}`", script, StringComparison.Ordinal);
        Assert.True(checkedNecessity.Success, "calculator.js does not check basal.necessity.value");
        Assert.Equal(Example.Necessity, double.Parse(checkedNecessity.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    private static void AssertNumber(double expected, JsonElement actual)
    {
        Assert.Equal(expected, actual.GetDouble());
        Assert.Equal(expected.ToString("R", CultureInfo.InvariantCulture), actual.GetRawText());
    }

    /// <summary>The numbers after "gives": IMC, BMR, necessity, protein, water, maintain, loss and gain.</summary>
    [GeneratedRegex(@"\d+(\.\d+)?")]
    private static partial Regex ContractFigure();

    [GeneratedRegex(@"JSON\.stringify\((?<object>\{[^}]*\})\)")]
    private static partial Regex K6Body();

    [GeneratedRegex(@"(?<key>[A-Za-z_]+)\s*:")]
    private static partial Regex BareKey();

    [GeneratedRegex(@"""basal\.necessity\.value""\)\s*===\s*(?<value>[0-9.]+)")]
    private static partial Regex K6NecessityCheck();
}
