using System.Reflection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.HealthApi;

/// <summary>The health and version routes of the original health-api (contract §4), mapped in every environment.</summary>
internal static class Probes
{
    private static readonly string s_version = ReadVersion();

    public static WebApplication MapProbes(this WebApplication app)
    {
        app.MapHealthEndpoint("/healthcheck", Liveness, HealthTags.Live);
        app.MapHealthEndpoint("/liveness", Liveness, HealthTags.Live);
        app.MapHealthEndpoint("/readiness", report => report.Status == HealthStatus.Healthy
            ? Results.Json(new { status = "Ready" })
            : Results.Json(new { status = "NotReady" }, statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/version", () => Results.Json(new { application = ResourceNames.HealthApi, version = s_version }))
            .WithName("Version");
        return app;
    }

    private static IResult Liveness(HealthReport report) => report.Status == HealthStatus.Healthy
        ? Results.Json(new { status = StatusCodes.Status200OK })
        : Results.Json(new { status = StatusCodes.Status503ServiceUnavailable }, statusCode: StatusCodes.Status503ServiceUnavailable);

    private static string ReadVersion()
    {
        var informational = typeof(Probes).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? "unknown";
    }
}
