using System.Globalization;

namespace NutritionAspire;

/// <summary>
/// Input values break a rule of the wire contract; <see cref="Fields"/> are the proto field names at fault (several when
/// only their combination is outside a formula's domain).
/// </summary>
public sealed class InvalidInputException(string message, params IReadOnlyList<string> fields) : Exception(message)
{
    public IReadOnlyList<string> Fields { get; } = fields;
}

/// <summary>
/// The input rules of the wire contract (docs/contract.md §2). The gRPC services apply health-api's bounds (docs/contract.md §4) to
/// every measure they compute from, so every result is a finite non-negative number and health-api and the services
/// refuse the same values. The gRPC services turn an <see cref="InvalidInputException"/> into INVALID_ARGUMENT.
/// </summary>
/// <remarks>
/// Each check is a comparison on the success path; messages are formatted only when a check fails, and never quote
/// more than <see cref="MaxEchoedLength"/> characters of the input.
/// </remarks>
public static class InputRules
{
    /// <summary>Kilograms.</summary>
    public const double MinWeight = 1, MaxWeight = 700;

    /// <summary>Metres.</summary>
    public const double MinHeight = 0.3, MaxHeight = 3;

    /// <summary>
    /// Years. health-api asks for at least 1; the services also take 0, the proto3 default, because the original
    /// health-api never sets <c>age</c> and must keep working against these services.
    /// </summary>
    public const long MinAge = 0, MaxAge = 150;

    /// <summary>
    /// Kilocalories a day. The calorie targets go up to 130 % of the necessity; this is the round bound below which that
    /// stays finite (no health-api field bounds the necessity directly).
    /// </summary>
    public const double MaxNecessity = 1e308;

    /// <summary>The most characters of an input value that an error message quotes.</summary>
    public const int MaxEchoedLength = 100;

    /// <summary>The activity names of docs/contract.md §3 and their multipliers, matched case-insensitively.</summary>
    public static IReadOnlyDictionary<string, double> ActivityFactors { get; } =
        new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase)
        {
            ["sedentary"] = 1.2,
            ["lightly_active"] = 1.375,
            ["moderately_active"] = 1.55,
            ["very_active"] = 1.725,
            ["extra_active"] = 1.9,
        };

    /// <summary>A weight in kilograms, <see cref="MinWeight"/> to <see cref="MaxWeight"/>.</summary>
    public static void RequireWeight(double value, string field = "weight")
    {
        if (value is not (>= MinWeight and <= MaxWeight))
        {
            throw OutOfRange(field, "a number of kilograms", MinWeight, MaxWeight, value);
        }
    }

    /// <summary>A height in metres, <see cref="MinHeight"/> to <see cref="MaxHeight"/>.</summary>
    public static void RequireHeight(double value, string field = "height")
    {
        if (value is not (>= MinHeight and <= MaxHeight))
        {
            throw OutOfRange(field, "a number of metres", MinHeight, MaxHeight, value);
        }
    }

    /// <summary>An age in whole years, <see cref="MinAge"/> to <see cref="MaxAge"/>.</summary>
    public static void RequireAge(long value, string field = "age")
    {
        if (value is not (>= MinAge and <= MaxAge))
        {
            throw OutOfRange(field, "a whole number of years", MinAge, MaxAge, value);
        }
    }

    /// <summary>A daily caloric necessity in kilocalories, 0 to <see cref="MaxNecessity"/> (not -0, whose targets would be -0).</summary>
    public static void RequireNecessity(double value, string field = "necessity")
    {
        if (value is not (>= 0 and <= MaxNecessity) || double.IsNegative(value))
        {
            throw OutOfRange(field, "a number of kilocalories", 0, MaxNecessity, value);
        }
    }

    /// <summary>The multiplier of one of <see cref="ActivityFactors"/>, any case.</summary>
    public static double ActivityFactor(string activity, string field = "activity") =>
        ActivityFactors.TryGetValue(activity, out var factor)
            ? factor
            : throw new InvalidInputException(
                $"{field} must be one of {string.Join(", ", ActivityFactors.Keys)}, got {Quote(activity)}.", field);

    /// <summary>
    /// The input as an error message quotes it: in single quotes, cut to <see cref="MaxEchoedLength"/> characters
    /// (never inside a surrogate pair) with its full length when longer.
    /// </summary>
    public static string Quote(string input)
    {
        if (input.Length <= MaxEchoedLength)
        {
            return $"'{input}'";
        }

        var kept = char.IsHighSurrogate(input[MaxEchoedLength - 1]) ? MaxEchoedLength - 1 : MaxEchoedLength;
        return string.Create(CultureInfo.InvariantCulture, $"'{input.AsSpan(0, kept)}…' ({input.Length} characters)");
    }

    private static InvalidInputException OutOfRange<T>(string field, string kind, T min, T max, T value) where T : IFormattable =>
        new(string.Create(CultureInfo.InvariantCulture, $"{field} must be {kind} from {min} to {max}, got {value}."), field);
}
