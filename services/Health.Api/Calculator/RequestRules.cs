using NutritionAspire.Contracts;

namespace NutritionAspire.HealthApi.Calculator;

/// <summary>
/// The rules of a <c>POST /calculator</c> body (contract §4): the parser enforces them and the OpenAPI document
/// states them, both from here. Bounds are inclusive.
/// </summary>
public static class RequestRules
{
    public const int MinAge = 1;
    public const int MaxAge = 150;
    public const double MinWeight = 1;
    public const double MaxWeight = 700;
    public const double MinHeight = 0.3;
    public const double MaxHeight = 3;

    public static IReadOnlyList<string> Genders { get; } = ["M", "F"];

    public static IReadOnlyList<string> Activities { get; } = [.. InputRules.ActivityFactors.Keys];
}
