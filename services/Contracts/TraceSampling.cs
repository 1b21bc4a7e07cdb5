namespace NutritionAspire;

/// <summary>
/// Which requests are traced, as OpenTelemetry's standard sampler variables, which every service's SDK reads. A local
/// run traces every request (Aspire sets <c>OTEL_TRACES_SAMPLER=always_on</c> so the dashboard shows each one); in the
/// cluster health-api, where every trace starts, keeps a share of them and each service behind it follows its caller's
/// decision, so a trace is whole or absent.
/// </summary>
public static class TraceSampling
{
    public const string SamplerVariable = "OTEL_TRACES_SAMPLER";

    public const string RatioVariable = "OTEL_TRACES_SAMPLER_ARG";

    /// <summary>The caller's decision where there is one, else the trace id decides against the ratio.</summary>
    public const string ParentBasedRatio = "parentbased_traceidratio";

    /// <summary>The cluster's share of traced requests, chosen with the benchmark (docs/performance.md, Trace sampling).</summary>
    public const string ClusterRatio = "0.1";
}
