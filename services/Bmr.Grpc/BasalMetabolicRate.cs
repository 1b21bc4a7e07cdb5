using NutritionAspire.Contracts;

namespace NutritionAspire.Bmr;

public readonly record struct BasalMetabolism(double Bmr, double Necessity);

/// <summary>Harris-Benedict basal metabolic rate and the daily caloric necessity (contract §3).</summary>
public static class BasalMetabolicRate
{
    /// <param name="gender"><c>M</c> (any case) for the male formula; anything else uses the female one.</param>
    /// <param name="weight">Kilograms.</param>
    /// <param name="height">Metres.</param>
    /// <param name="age">Years.</param>
    /// <param name="activity">One of <see cref="InputRules.ActivityFactors"/>, any case.</param>
    public static BasalMetabolism Calculate(string gender, double weight, double height, long age, string activity)
    {
        InputRules.RequirePositive(weight, nameof(weight));
        InputRules.RequirePositive(height, nameof(height));
        var factor = InputRules.ActivityFactor(activity, nameof(activity));

        // Evaluated left to right exactly as written, so the doubles match the original service bit for bit.
        var bmr = string.Equals(gender, "M", StringComparison.OrdinalIgnoreCase)
            ? 66 + (13.75 * weight) + (5.0 * (height * 100)) - (6.8 * age)
            : 655 + (9.56 * weight) + (1.8 * (height * 100)) - (4.7 * age);
        return new BasalMetabolism(bmr, bmr * factor);
    }
}
