using System.Collections.Concurrent;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>The dashboard's load-test command on health-api, executed as the dashboard executes it.</summary>
[Collection(SharedNutritionApp.Name)]
public sealed class LoadTestCommandTests(NutritionAppFixture fixture)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan s_waitTimeout = TimeSpan.FromSeconds(20);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheLoadTestLogsItsTableAndTheLoadReachesHealthApisMetrics()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(s_timeout);
        var logs = new ConcurrentQueue<string>();
        var api = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == ResourceNames.HealthApi);
        var watching = Task.Run(async () =>
        {
            await foreach (var batch in fixture.App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(api)
                               .WithCancellation(timeout.Token))
            {
                foreach (var line in batch)
                {
                    logs.Enqueue(line.Content);
                }
            }
        }, timeout.Token);
        using var http = new HttpClient();
        var metrics = new Uri(fixture.App.GetEndpoint(ResourceNames.HealthApi, ResourceNames.HttpEndpoint), "/metrics");
        var calculationsBefore = await CalculationsAsync(http, metrics, timeout.Token);

        var result = await fixture.App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(ResourceNames.HealthApi, NutritionAppFixture.LoadTestCommand, timeout.Token);

        Assert.True(result.Success, result.Message);
        // The table's row for the run: | run | connections | req/s | p50 | p90 | p99 | requests | errors |
        var row = await Eventually.ReturnsAsync(
            _ => Task.FromResult(logs.FirstOrDefault(line => line.Contains($"| {ResourceNames.HealthApi} POST /calculator", StringComparison.Ordinal))),
            s_waitTimeout, () => $"no result row in the console:\n{string.Join('\n', logs)}", timeout.Token);
        var cells = row.Split('|', StringSplitOptions.TrimEntries);
        Assert.Equal(NutritionAppFixture.LoadTestConnections.ToString(CultureInfo.InvariantCulture), cells[2]);
        var requests = long.Parse(cells[7], CultureInfo.InvariantCulture);
        Assert.True(requests > 0, row);
        Assert.Equal("0", cells[8]);
        Assert.Contains(logs, line => line.Contains("| run ", StringComparison.Ordinal) && line.Contains("| p99 ", StringComparison.Ordinal));

        // Every request of the load was a real calculation: the counter the dashboards read went up by as many.
        await Eventually.ReturnsAsync(
            async token => await CalculationsAsync(http, metrics, token) >= calculationsBefore + requests ? "counted" : null,
            s_waitTimeout, () => $"nutrition_calculations_total did not grow by {requests} from {calculationsBefore}", timeout.Token);

        await timeout.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);
    }

    /// <summary>The sum of <c>nutrition_calculations_total</c> over its labels, from health-api's Prometheus endpoint.</summary>
    private static async Task<double> CalculationsAsync(HttpClient http, Uri metrics, CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(metrics, cancellationToken);
        return text.Split('\n')
            .Where(line => line.StartsWith("nutrition_calculations_total{", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
