using System.Text.RegularExpressions;

namespace NutritionAspire.Tests;

/// <summary>
/// The worked example as the tests use it: the request and answer of <see cref="Contracts.WorkedExample"/>, the one
/// home of the example, with the answer's random id set aside.
/// </summary>
public static partial class WorkedExample
{
    public const string Request = Contracts.WorkedExample.Request;

    /// <summary>The answer with its id replaced by <c>ID</c>: every key in order, every number as printed.</summary>
    public static string ResponseWithoutId { get; } = WithoutId(Contracts.WorkedExample.Response);

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
