using System.Globalization;

namespace NutritionAspire.Bmr;

public readonly record struct BasalMetabolism(double Bmr, double Necessity);

/// <summary>Harris-Benedict basal metabolic rate and the daily caloric necessity (docs/contract.md §3).</summary>
public static class BasalMetabolicRate
{
    /// <param name="gender"><c>M</c> (any case) for the male formula; anything else uses the female one.</param>
    /// <param name="weight">Kilograms, <see cref="InputRules.MinWeight"/> to <see cref="InputRules.MaxWeight"/>.</param>
    /// <param name="height">Metres, <see cref="InputRules.MinHeight"/> to <see cref="InputRules.MaxHeight"/>.</param>
    /// <param name="age">Years, <see cref="InputRules.MinAge"/> to <see cref="InputRules.MaxAge"/>.</param>
    /// <param name="activity">One of <see cref="InputRules.ActivityFactors"/>, any case.</param>
    /// <exception cref="InvalidInputException">
    /// A value is out of its range, or the values together give a negative BMR (an old, light, short person).
    /// </exception>
    public static BasalMetabolism Calculate(string gender, double weight, double height, long age, string activity)
    {
        InputRules.RequireWeight(weight);
        InputRules.RequireHeight(height);
        InputRules.RequireAge(age);
        var factor = InputRules.ActivityFactor(activity);

        // Evaluated left to right exactly as written, so the doubles match the original service bit for bit.
        var bmr = string.Equals(gender, "M", StringComparison.OrdinalIgnoreCase)
            ? 66 + (13.75 * weight) + (5.0 * (height * 100)) - (6.8 * age)
            : 655 + (9.56 * weight) + (1.8 * (height * 100)) - (4.7 * age);
        return bmr >= 0
            ? new BasalMetabolism(bmr, bmr * factor)
            : throw NegativeBmr(weight, height, age, bmr);
    }

    private static InvalidInputException NegativeBmr(double weight, double height, long age, double bmr) =>
        new(string.Create(CultureInfo.InvariantCulture,
                $"weight, height and age give a negative bmr ({bmr}) for weight {weight}, height {height} and age {age}: the formula holds for a greater weight or height or a lower age."),
            nameof(weight), nameof(height), nameof(age));
}
