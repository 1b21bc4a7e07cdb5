namespace NutritionAspire.HealthApi.Calculator;

/// <summary>A valid <c>POST /calculator</c> body; the response echoes it as <c>health_info</c>.</summary>
/// <param name="Age">Years, 1 to 150.</param>
/// <param name="Weight">Kilograms, 1 to 700.</param>
/// <param name="Height">Metres, 0.3 to 3.</param>
/// <param name="Gender"><c>M</c> or <c>F</c>.</param>
/// <param name="ActivityIntensity">sedentary, lightly_active, moderately_active, very_active or extra_active.</param>
public sealed record HealthInfo(int Age, double Weight, double Height, string Gender, string ActivityIntensity);
