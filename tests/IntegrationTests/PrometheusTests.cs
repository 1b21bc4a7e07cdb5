using System.Net;
using System.Text;
using Aspire.Hosting.Testing;
using NutritionAspire.Tests;

namespace NutritionAspire.IntegrationTests;

/// <summary>The Prometheus configuration and the Nutrition dashboard against a real Prometheus scraping the real services.</summary>
[Collection(SharedNutritionApp.Name)]
public sealed class PrometheusTests(NutritionAppFixture fixture)
{
    private static readonly TimeSpan s_scrapeTimeout = TimeSpan.FromSeconds(90);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PromtoolAcceptsThePrometheusConfiguration()
    {
        if (!File.Exists("/usr/bin/promtool"))
        {
            Assert.Skip("promtool is not installed (.ci/run installs the prometheus package).");
        }

        var check = await ProcessRunner.RunAsync("/usr/bin/promtool", ["check", "config", Dashboards.PrometheusConfiguration], RepositoryPaths.Root, Cancellation);
        var output = check.Output + check.Error;

        Assert.True(check.ExitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrometheusScrapesAllSevenServicesAndTheDashboardRateQueriesReturnData()
    {
        if (PrometheusServer.Binary is null)
        {
            Assert.Skip("Prometheus is not installed (.ci/run installs the prometheus package).");
        }

        var targets = NutritionAppFixture.Services.ToDictionary(name => name, name => fixture.App.GetEndpoint(name, ResourceNames.HttpEndpoint));
        await using var prometheus = await PrometheusServer.StartAsync(Dashboards.PrometheusConfiguration, targets, Cancellation);
        using var http = new HttpClient();

        var up = await prometheus.WaitForAsync(http, "up == 1", result => result.Length == NutritionAppFixture.Services.Length, s_scrapeTimeout, Cancellation);
        Assert.Equal(NutritionAppFixture.Services.Order(), up.Select(r => r.GetProperty("metric").GetProperty("service").GetString()).Order());

        using var api = fixture.App.CreateHttpClient(ResourceNames.HealthApi);
        for (var i = 0; i < 5; i++)
        {
            using var response = await api.PostAsync(new Uri("/calculator", UriKind.Relative),
                new StringContent(WorkedExample.Request, Encoding.UTF8, "application/json"), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var query in Dashboards.Queries(Dashboards.NutritionServices).Select(Dashboards.Resolve))
        {
            await prometheus.WaitForAsync(http, query, result => result.Length > 0, s_scrapeTimeout, Cancellation);
        }
    }
}
