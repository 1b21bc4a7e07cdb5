namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// For each dependency, its request fields and the caller's own fields each is taken from: a dependency that refuses a
/// request (INVALID_ARGUMENT) names its own fields, and the caller answers in its own.
/// </summary>
/// <param name="sources">By dependency resource name: each request field and the caller's fields behind it.</param>
public sealed class DependencyFieldMap(Dictionary<string, Dictionary<string, string[]>> sources)
{
    /// <summary>
    /// The caller's fields behind the fields <paramref name="failure"/> named, in the order named; every field that call
    /// was taken from when it named none (or none that the call sent).
    /// </summary>
    public IReadOnlyList<string> OwnFields(DependencyFailedException failure)
    {
        var sent = sources[failure.Dependency];
        string[] named = [.. failure.InvalidFields.SelectMany(field => sent.GetValueOrDefault(field) ?? []).Distinct(StringComparer.Ordinal)];
        return named.Length > 0 ? named : [.. sent.Values.SelectMany(fields => fields).Distinct(StringComparer.Ordinal)];
    }
}
