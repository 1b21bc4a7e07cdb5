using NutritionAspire.Contracts;

namespace NutritionAspire.Calories;

public readonly record struct CalorieTargetsResult(double Loss, double Gain, double Maintain);

/// <summary>Daily calories to lose (90 %), keep (100 %) and gain (130 %) weight (contract §3).</summary>
public static class CalorieTargets
{
    /// <param name="necessity">The daily caloric necessity, kcal.</param>
    public static CalorieTargetsResult Calculate(double necessity)
    {
        InputRules.RequireNonNegative(necessity, nameof(necessity));
        return new CalorieTargetsResult(Loss: necessity * 0.90, Gain: necessity * 1.30, Maintain: necessity);
    }
}
