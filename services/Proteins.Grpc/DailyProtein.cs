
namespace NutritionAspire.Proteins;

public readonly record struct ProteinIntake(long Value, string Unit);

/// <summary>Daily protein: 2 g per whole kilogram, the weight truncated toward zero (docs/contract.md §3).</summary>
public static class DailyProtein
{
    public const string Unit = "g";

    /// <param name="weight">Kilograms, <see cref="InputRules.MinWeight"/> to <see cref="InputRules.MaxWeight"/>.</param>
    /// <exception cref="InvalidInputException">The weight is out of its range.</exception>
    public static ProteinIntake Calculate(double weight)
    {
        InputRules.RequireWeight(weight);
        return new ProteinIntake((long)Math.Truncate(weight) * 2, Unit);
    }
}
