
namespace NutritionAspire.Water;

public readonly record struct WaterIntake(double Value, string Unit);

/// <summary>Daily water: 35 ml per kilogram (docs/contract.md §3).</summary>
public static class DailyWater
{
    public const string Unit = "ml";

    /// <param name="weight">Kilograms, <see cref="InputRules.MinWeight"/> to <see cref="InputRules.MaxWeight"/>.</param>
    /// <param name="height">Metres, <see cref="InputRules.MinHeight"/> to <see cref="InputRules.MaxHeight"/>; validated but not used by the rule.</param>
    /// <exception cref="InvalidInputException">A value is out of its range.</exception>
    public static WaterIntake Calculate(double weight, double height)
    {
        InputRules.RequireWeight(weight);
        InputRules.RequireHeight(height);
        return new WaterIntake(weight * 35, Unit);
    }
}
