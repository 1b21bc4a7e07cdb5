using System.Reflection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NutritionAspire.HealthApi.OpenApi;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.HealthApi;

/// <summary>The health and version routes of the original health-api (docs/contract.md §4), mapped in every environment.</summary>
internal static class Probes
{
    private static readonly string s_version = ReadVersion();

    public static WebApplication MapProbes(this WebApplication app)
    {
        app.MapHealthEndpoint("/healthcheck", Liveness, HealthTags.Live);
        app.MapHealthEndpoint("/liveness", Liveness, HealthTags.Live);
        app.MapHealthEndpoint("/readiness", report => report.Status == HealthStatus.Healthy
            ? TypedResults.Json(new ReadinessAnswer("Ready"), HealthApiJsonContext.Default.ReadinessAnswer)
            : TypedResults.Json(new ReadinessAnswer("NotReady"), HealthApiJsonContext.Default.ReadinessAnswer, statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/version", () => TypedResults.Ok(new VersionInfo(ResourceNames.HealthApi, s_version)))
            .WithName("Version")
            .WithTags(HealthApiDocument.ServiceTag)
            .WithSummary("The service's name and version.");
        return app;
    }

    private static IResult Liveness(HealthReport report) => report.Status == HealthStatus.Healthy
        ? TypedResults.Json(new LivenessAnswer(StatusCodes.Status200OK), HealthApiJsonContext.Default.LivenessAnswer)
        : TypedResults.Json(new LivenessAnswer(StatusCodes.Status503ServiceUnavailable), HealthApiJsonContext.Default.LivenessAnswer,
            statusCode: StatusCodes.Status503ServiceUnavailable);

    private static string ReadVersion()
    {
        var informational = typeof(Probes).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? "unknown";
    }
}

/// <summary>The answer of <c>GET /version</c>.</summary>
/// <param name="Application">Always <c>health-api</c>.</param>
/// <param name="Version">The informational version of the build.</param>
public sealed record VersionInfo(string Application, string Version);

/// <summary>The answer of <c>/healthcheck</c> and <c>/liveness</c>: the status code again, as the original wrote it.</summary>
internal sealed record LivenessAnswer(int Status);

/// <summary>The answer of <c>/readiness</c>: <c>Ready</c> or <c>NotReady</c>.</summary>
internal sealed record ReadinessAnswer(string Status);
