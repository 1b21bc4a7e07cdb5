using System.Net;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.Testing;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

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
    public async Task PrometheusScrapesAllSevenServicesEvaluatesTheRulesAndTheDashboardQueriesReturnData()
    {
        if (PrometheusServer.Binary is null)
        {
            Assert.Skip("Prometheus is not installed (.ci/run installs the prometheus package).");
        }

        var targets = NutritionServices.All.ToDictionary(name => name, name => fixture.App.GetEndpoint(name, ResourceNames.HttpEndpoint));
        await using var prometheus = await PrometheusServer.StartAsync(Dashboards.PrometheusConfiguration, Dashboards.RulesFolder, targets, Cancellation);
        using var http = new HttpClient();

        var up = await prometheus.WaitForAsync(http, "up == 1", result => result.Length == NutritionServices.All.Count, s_scrapeTimeout, Cancellation);
        Assert.Equal(NutritionServices.All.Order(), up.Select(r => r.GetProperty("metric").GetProperty("service").GetString()).Order());

        using var api = fixture.App.CreateHttpClient(ResourceNames.HealthApi);
        await CalculateAsync(api);

        foreach (var query in Dashboards.Queries(Dashboards.NutritionServices).Select(Dashboards.Resolve))
        {
            await prometheus.WaitForAsync(http, query, result => result.Length > 0, s_scrapeTimeout, Cancellation);
        }

        // Every rule file loaded, and every rule evaluated without error ("unknown" until its first evaluation).
        JsonElement[] groups = [];
        await Eventually.ReturnsAsync(
            async token =>
            {
                groups = await prometheus.RuleGroupsAsync(http, token);
                return groups.SelectMany(group => group.GetProperty("rules").EnumerateArray())
                    .All(rule => rule.GetProperty("health").GetString() == "ok") ? groups : null;
            },
            s_scrapeTimeout, () => string.Join("\n", groups.Select(group => group.ToString())), Cancellation);
        Assert.Equal(Directory.EnumerateFiles(Dashboards.RulesFolder, "*.yml").Select(Path.GetFileNameWithoutExtension).Order(),
            groups.Select(group => group.GetProperty("name").GetString()).Order());

        // The SLO ratios come from the real metrics: no 5xx from health-api, no server-side error from a gRPC service.
        // Their series exist since the first requests, so these requests move the rates off 0/0.
        await CalculateAsync(api);
        var availability = await prometheus.WaitForAsync(http, "slo:sli_error:ratio_rate5m{slo=\"calculator-availability\"}",
            result => result.Any(r => Sample(r).Value != "NaN"), s_scrapeTimeout, Cancellation);
        Assert.Equal((ResourceNames.HealthApi, "0"), Sample(availability.Single()));
        var grpc = await prometheus.WaitForAsync(http, "slo:sli_error:ratio_rate5m{slo=\"grpc-errors\"}",
            result => result.Length == NutritionServices.All.Count - 1 && result.All(r => Sample(r).Value != "NaN"), s_scrapeTimeout, Cancellation);
        Assert.Equal(NutritionServices.Grpc.Order().Select(name => ((string?)name, (string?)"0")),
            grpc.Select(Sample).Order());
    }

    private static async Task CalculateAsync(HttpClient api)
    {
        for (var i = 0; i < 5; i++)
        {
            using var response = await api.PostAsync(new Uri("/calculator", UriKind.Relative),
                new StringContent(WorkedExample.Request, Encoding.UTF8, "application/json"), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static (string? Service, string? Value) Sample(JsonElement result) =>
        (result.GetProperty("metric").GetProperty("service").GetString(), result.GetProperty("value")[1].GetString());
}
