
namespace NutritionAspire.HealthApi.Calculator;

/// <summary>
/// The rules of a <c>POST /calculator</c> body (docs/contract.md §4): the parser enforces them and the OpenAPI document
/// states them, both from here. Bounds are inclusive; the measures are the gRPC services' own (<see cref="InputRules"/>),
/// so health-api never passes on a value they refuse. Only the age starts at 1 here: the services also take the
/// proto3 default 0, which the original health-api sends.
/// </summary>
public static class RequestRules
{
    public const int MinAge = 1;
    public const int MaxAge = (int)InputRules.MaxAge;
    public const double MinWeight = InputRules.MinWeight;
    public const double MaxWeight = InputRules.MaxWeight;
    public const double MinHeight = InputRules.MinHeight;
    public const double MaxHeight = InputRules.MaxHeight;

    public static IReadOnlyList<string> Genders { get; } = ["M", "F"];

    public static IReadOnlyList<string> Activities { get; } = [.. InputRules.ActivityFactors.Keys];
}
