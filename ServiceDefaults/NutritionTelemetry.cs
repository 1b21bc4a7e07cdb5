namespace NutritionAspire.ServiceDefaults;

public static class NutritionTelemetry
{
    /// <summary>The meter of the services' own instruments, such as <c>nutrition_calculations_total</c>.</summary>
    public const string MeterName = "NutritionAspire";
}
