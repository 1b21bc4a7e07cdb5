
namespace NutritionAspire.Calories;

public readonly record struct CalorieTargetsResult(double Loss, double Gain, double Maintain);

/// <summary>Daily calories to lose (90 %), keep (100 %) and gain (130 %) weight (docs/contract.md §3).</summary>
public static class CalorieTargets
{
    /// <param name="necessity">The daily caloric necessity, kcal, 0 to <see cref="InputRules.MaxNecessity"/>.</param>
    /// <exception cref="InvalidInputException">The necessity is out of its range.</exception>
    public static CalorieTargetsResult Calculate(double necessity)
    {
        InputRules.RequireNecessity(necessity);
        return new CalorieTargetsResult(Loss: necessity * 0.90, Gain: necessity * 1.30, Maintain: necessity);
    }
}
