using NutritionAspire.Contracts.Bmr;

namespace NutritionAspire.Contracts;

/// <summary>
/// The worked example of docs/contract.md §4 (a 26-year-old man, 90 kg, 1.77 m, very active) as each gRPC service
/// receives it: the services send it to themselves to warm up before they report ready.
/// </summary>
public static class WorkedExampleRequests
{
    public static Message Bmr => new() { Gender = "M", Weight = 90.0, Height = 1.77, Age = 26, Activity = "very_active" };

    public static Imc.Message Imc => new() { Weight = 90.0, Height = 1.77 };

    /// <summary>The caloric necessity bmr-grpc answers for the example.</summary>
    public static Recommendations.Message Recommendations => new() { Weight = 90.0, Height = 1.77, Calories = 3470.1825000000003 };

    public static Water.Message Water => new() { Weight = 90.0, Height = 1.77 };

    public static Proteins.Message Proteins => new() { Weight = 90.0 };

    public static Calories.Message Calories => new() { Necessity = 3470.1825000000003 };
}
