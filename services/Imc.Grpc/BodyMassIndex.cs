
namespace NutritionAspire.Imc;

public readonly record struct BodyMassIndexResult(double Imc, string Class);

/// <summary>IMC (body mass index) and its class, with no gaps between classes (docs/contract.md §3 and §7.4).</summary>
public static class BodyMassIndex
{
    /// <param name="weight">Kilograms, <see cref="InputRules.MinWeight"/> to <see cref="InputRules.MaxWeight"/>.</param>
    /// <param name="height">Metres, <see cref="InputRules.MinHeight"/> to <see cref="InputRules.MaxHeight"/>.</param>
    /// <exception cref="InvalidInputException">A value is out of its range.</exception>
    public static BodyMassIndexResult Calculate(double weight, double height)
    {
        InputRules.RequireWeight(weight);
        InputRules.RequireHeight(height);

        var imc = weight / (height * height);
        return new BodyMassIndexResult(imc, Classify(imc));
    }

    public static string Classify(double imc) => imc switch
    {
        <= 18.5 => "underweight",
        < 25 => "healthy",
        < 30 => "overweight",
        _ => "obese",
    };
}
