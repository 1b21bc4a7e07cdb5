namespace NutritionAspire.ServiceDefaults;

public static class HealthTags
{
    /// <summary>Checks that say the process is alive (liveness probes).</summary>
    public const string Live = "live";

    /// <summary>Checks that say the process can take traffic (readiness probes).</summary>
    public const string Ready = "ready";
}
