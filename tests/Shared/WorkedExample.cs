using System.Text.RegularExpressions;

namespace NutritionAspire.Tests;

/// <summary>The worked example of docs/contract.md §4: the request and the exact answer, <c>id</c> aside.</summary>
public static partial class WorkedExample
{
    public const string Request =
        """{"age":26,"weight":90.0,"height":1.77,"gender":"M","activity_intensity":"very_active"}""";

    /// <summary>The answer with its random id replaced by <c>ID</c>: every key in order, every number as printed.</summary>
    public const string ResponseWithoutId =
        """{"id":"ID","status":200,"imc":{"result":28.72737719046251,"class":"overweight"}""" +
        ""","basal":{"bmr":{"value":2011.7,"unit":"kcal"},"necessity":{"value":3470.1825000000003,"unit":"kcal"}}""" +
        ""","health_info":{"age":26,"weight":90,"height":1.77,"gender":"M","activity_intensity":"very_active"}""" +
        ""","recomendations":{"protein":{"value":180,"unit":"g"},"water":{"value":3150,"unit":"ml"}""" +
        ""","calories":{"maintain_weight":{"value":3470.1825000000003,"unit":"kcal"}""" +
        ""","loss_weight":{"value":3123.1642500000003,"unit":"kcal"},"gain_weight":{"value":4511.237250000001,"unit":"kcal"}}}}""";

    /// <summary>Replaces the id, which must be a lower-case UUID v4, with <c>ID</c>; fails if there is none.</summary>
    public static string WithoutId(string responseBody)
    {
        var match = IdMember().Match(responseBody);
        Assert.True(match.Success, $"No lower-case UUID v4 id in: {responseBody}");
        return string.Concat(responseBody.AsSpan(0, match.Groups["id"].Index), "ID", responseBody.AsSpan(match.Groups["id"].Index + match.Groups["id"].Length));
    }

    [GeneratedRegex("""^\{"id":"(?<id>[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})",""")]
    private static partial Regex IdMember();
}
