using NutritionAspire.Contracts;

namespace NutritionAspire.Water;

public readonly record struct WaterIntake(double Value, string Unit);

/// <summary>Daily water: 35 ml per kilogram (contract §3).</summary>
public static class DailyWater
{
    public const string Unit = "ml";

    /// <param name="weight">Kilograms.</param>
    /// <param name="height">Metres; validated but not used by the rule.</param>
    public static WaterIntake Calculate(double weight, double height)
    {
        InputRules.RequirePositive(weight, nameof(weight));
        InputRules.RequirePositive(height, nameof(height));
        return new WaterIntake(weight * 35, Unit);
    }
}
