namespace NutritionAspire.Services.Tests;

/// <summary>What a public problem body must never carry: the text of an exception, a stack trace or a server's internals.</summary>
public static class ProblemText
{
    /// <summary>Words that only come from an exception, a stack trace or a server's own messages, never from ours.</summary>
    private static readonly string[] s_internals =
    [
        "Exception", "   at ", "System.", "Microsoft.", "Kestrel", "LineNumber", "BytePositionInLine", "max request body size",
        "Path: $", "StackTrace", "stack trace", "   --- End of",
    ];

    public static void AssertQuotesNoInternals(string problemBody)
    {
        foreach (var word in s_internals)
        {
            Assert.False(problemBody.Contains(word, StringComparison.OrdinalIgnoreCase),
                $"The problem body quotes '{word}': {problemBody}");
        }
    }
}
