using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NutritionAspire.ServiceDefaults;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every NutritionAspire service shares: OpenTelemetry (OTLP, Prometheus, optional Zipkin),
/// structured logs, health checks and the endpoints Kubernetes and Prometheus read.
/// </summary>
public static class Extensions
{
    /// <summary>Paths that are polled by probes and scrapers; they are kept out of traces.</summary>
    private static readonly string[] s_pollingPaths = ["/healthz", "/healthcheck", "/liveness", "/readiness", "/metrics"];

    /// <summary>
    /// ASP.NET Core instruments recorded on every request or pooled buffer that no dashboard, alert or SLO reads:
    /// Kestrel's buffer-pool bookkeeping, its request queue (a stream is dequeued at once) and routing's match count
    /// (the request count again). Dropped, they are not recorded at all (README, Performance).
    /// </summary>
    private static readonly string[] s_unreadInstruments = ["aspnetcore.memory_pool.*", "kestrel.queued_requests", "aspnetcore.routing.match_attempts"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureLogging();
        builder.ConfigureOpenTelemetry(serviceName);
        builder.AddDefaultHealthChecks();
        builder.ConfigureHttpDefaults();
        return builder;
    }

    /// <summary>No <c>Server</c> header (it only tells an attacker what runs here) and <c>nosniff</c> on every answer.</summary>
    private static void ConfigureHttpDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddTransient<IStartupFilter, NoSniffStartupFilter>();
    }

    /// <summary>
    /// One JSON object per line, with trace and span ids, everywhere but Development; what a client can cause at will
    /// at Debug (<see cref="ClientDrivenLogs"/>).
    /// </summary>
    private static void ConfigureLogging(this IHostApplicationBuilder builder)
    {
        builder.Logging.Configure(options =>
            options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Services.AddClientDrivenLogs();
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
    }

    private static void ConfigureOpenTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var openTelemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
                resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : serviceName))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(NutritionTelemetry.MeterName)
                    .AddPrometheusExporter();
                foreach (var instrument in s_unreadInstruments)
                {
                    metrics.AddView(instrument, MetricStreamConfiguration.Drop);
                }
            })
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !s_pollingPaths.Contains(context.Request.Path.Value, StringComparer.OrdinalIgnoreCase))
                .AddGrpcClientInstrumentation(options => options.SuppressDownstreamInstrumentation = true)
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            openTelemetry.UseOtlpExporter();
        }

        // Compatibility with the original services, which exported Zipkin v2 spans to this URL.
        if (builder.Configuration["ZIPKIN_COLLECTOR_ENDPOINT"] is { Length: > 0 } zipkin)
        {
            if (!Uri.TryCreate(zipkin, UriKind.Absolute, out var zipkinUri))
            {
                throw new InvalidOperationException(
                    $"ZIPKIN_COLLECTOR_ENDPOINT must be an absolute URL such as http://zipkin:9411/api/v2/spans, got '{zipkin}'.");
            }

            // The Zipkin exporter is deprecated upstream in favour of OTLP; it stays only for this compatibility switch.
#pragma warning disable CS0618
            openTelemetry.WithTracing(tracing => tracing.AddZipkinExporter(options => options.Endpoint = zipkinUri));
#pragma warning restore CS0618
        }
    }

    private static void AddDefaultHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WarmUp>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WarmUp>());
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthTags.Live])
            .AddCheck<LifetimeHealthCheck>("lifetime", tags: [HealthTags.Ready]);
    }

    /// <summary>
    /// Before the service reports ready, sends <paramref name="send"/> to its own HTTP address through its whole
    /// pipeline (<see cref="WarmUp"/>), with an unsampled trace context and its own client instrumentation suppressed.
    /// </summary>
    public static TBuilder AddHttpWarmUp<TBuilder>(this TBuilder builder, Func<HttpClient, CancellationToken, Task> send)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(new WarmUpRequest(
            async (address, cancellationToken) =>
            {
                using var suppressed = SuppressInstrumentationScope.Begin();
                using var client = new HttpClient { BaseAddress = address, Timeout = WarmUp.Limit };
                client.DefaultRequestHeaders.Add("traceparent", WarmUp.UnsampledTraceParent());
                await send(client, cancellationToken);
            },
            addresses => addresses.FirstOrDefault(address => address.Scheme == Uri.UriSchemeHttp)));
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> (Prometheus text format) in every environment.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint().DisableHttpMetrics();
        return app;
    }

    /// <summary>
    /// Maps a health endpoint over the registered checks (those with <paramref name="tag"/>, or all), in every
    /// environment (probes need it); <paramref name="respond"/> turns the report into the answer, status code included.
    /// </summary>
    public static IEndpointConventionBuilder MapHealthEndpoint(
        this WebApplication app, string pattern, Func<HealthReport, IResult> respond, string? tag = null) =>
        app.MapHealthChecks(pattern, new HealthCheckOptions
            {
                Predicate = tag is null ? null : registration => registration.Tags.Contains(tag),
                ResponseWriter = (context, report) => respond(report).ExecuteAsync(context),
            })
            .DisableHttpMetrics();
}
