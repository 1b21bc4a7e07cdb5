using System.Globalization;

namespace NutritionAspire.Contracts;

/// <summary>An input value breaks a rule of the wire contract; <see cref="Field"/> is the proto field name.</summary>
public sealed class InvalidInputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// The input rules of the wire contract. The gRPC services turn an <see cref="InvalidInputException"/>
/// into INVALID_ARGUMENT.
/// </summary>
public static class InputRules
{
    /// <summary>The activity names of contract §3 and their multipliers, matched case-insensitively.</summary>
    public static IReadOnlyDictionary<string, double> ActivityFactors { get; } =
        new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase)
        {
            ["sedentary"] = 1.2,
            ["lightly_active"] = 1.375,
            ["moderately_active"] = 1.55,
            ["very_active"] = 1.725,
            ["extra_active"] = 1.9,
        };

    public static double RequirePositive(double value, string field) =>
        double.IsFinite(value) && value > 0
            ? value
            : throw new InvalidInputException(field,
                string.Create(CultureInfo.InvariantCulture, $"{field} must be a finite number greater than 0, got {value}."));

    public static double RequireNonNegative(double value, string field) =>
        double.IsFinite(value) && value >= 0
            ? value
            : throw new InvalidInputException(field,
                string.Create(CultureInfo.InvariantCulture, $"{field} must be a finite number of at least 0, got {value}."));

    public static double ActivityFactor(string activity, string field) =>
        ActivityFactors.TryGetValue(activity, out var factor)
            ? factor
            : throw new InvalidInputException(field,
                $"{field} must be one of {string.Join(", ", ActivityFactors.Keys)}, got '{activity}'.");
}
