using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NutritionAspire.Contracts;
using NutritionAspire.LoadTesting;

namespace NutritionAspire.AppHost;

/// <summary>How long and how hard the dashboard's load test drives health-api (the <c>LoadTest</c> section).</summary>
internal sealed class LoadTestOptions
{
    public const string SectionName = "LoadTest";

    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);

    public int Connections { get; set; } = 50;
}

internal static partial class LoadTestCommandExtensions
{
    public const string CommandName = "load-test";

    /// <summary>
    /// Adds a dashboard command that drives <c>POST /calculator</c> with the worked example over a fixed number of
    /// keep-alive connections for a bounded time, and writes the result table to the resource's console. The load is
    /// real, so it shows in the dashboard's metrics and in Grafana like any other traffic.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLoadTestCommand(this IResourceBuilder<ProjectResource> api, IConfiguration configuration)
    {
        var options = configuration.GetSection(LoadTestOptions.SectionName).Get<LoadTestOptions>() ?? new LoadTestOptions();
        if (options.Duration <= TimeSpan.Zero || options.Duration > TimeSpan.FromMinutes(10) || options.Connections is < 1 or > 1000)
        {
            throw new InvalidOperationException(
                $"{LoadTestOptions.SectionName}: Duration must be over 0 and at most 10 minutes, Connections from 1 to 1000; " +
                $"got {options.Duration} and {options.Connections}.");
        }

        if (api.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            // Locally every request, the load test's included, reaches health-api from the orchestrator's proxy, one
            // address: its per-client rate limit would refuse the load. Published manifests keep the limit.
            api.WithEnvironment("RateLimit__Enabled", "false");
        }

        var endpoint = api.GetEndpoint(ResourceNames.HttpEndpoint);
        return api.WithCommand(CommandName, "Load test", async context =>
        {
            // The address clients use locally, through the orchestrator's proxy like any other request.
            var target = new Uri(endpoint.Url);
            LogStarting(context.Logger, WorkedExample.Path, target, options.Connections, options.Duration);

            await using var run = LoadRun.Open(HttpLoadConnection.PostJson(target, WorkedExample.Path, WorkedExample.Request), options.Connections);
            var result = await run.RunAsync($"{ResourceNames.HealthApi} POST {WorkedExample.Path}", options.Duration, context.CancellationToken);
            var table = LoadReport.Format([result]);
            foreach (var line in table.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                LogTableLine(context.Logger, line);
            }

            var summary = $"{result.RequestsPerSecond:N0} req/s, p50 {LoadReport.Milliseconds(result.P50)}, {result.Errors} errors in {result.Requests} requests";
            return result.Requests > result.Errors
                ? CommandResults.Success(summary, table, CommandResultFormat.Markdown)
                : CommandResults.Failure($"No request succeeded: {result.FirstError ?? "no answer"}");
        }, new CommandOptions
        {
            Description = $"POST {WorkedExample.Path} for {options.Duration.TotalSeconds:0} s over {options.Connections} connections; the table goes to the console.",
            IconName = "TopSpeed",
            UpdateState = context => context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Load test: POST {Path} on {Target} over {Connections} connections for {Duration}.")]
    private static partial void LogStarting(ILogger logger, string path, Uri target, int connections, TimeSpan duration);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogTableLine(ILogger logger, string line);
}
