using System.Text.Json;
using Grpc.Core;
using NutritionAspire.Bmr;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>The dashboards parse, and the Nutrition dashboard asks only for what the services really expose.</summary>
public sealed class DashboardTests(HealthApiFixture fixture) : IClassFixture<HealthApiFixture>
{
    /// <summary>Added by the scraper (file_sd locally, the Prometheus Operator in the cluster), not by the services.</summary>
    private const string TargetLabel = "service";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("nutrition-services.json", "prometheus")]
    [InlineData("hubble-l7-workloads.json", "prometheus")]
    [InlineData("tetragon-events.json", "loki")]
    public void EveryDashboardParsesAndEveryPanelQueriesItsDatasource(string fileName, string datasourceType)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dashboards.Folder, fileName)));
        var root = document.RootElement;

        Assert.Equal(Path.GetFileNameWithoutExtension(fileName), root.GetProperty("uid").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        var panels = root.GetProperty("panels").EnumerateArray().ToList();
        Assert.NotEmpty(panels);
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        Assert.All(panels.Where(panel => !Dashboards.IsRow(panel)), panel =>
        {
            Assert.Equal(datasourceType, panel.GetProperty("datasource").GetProperty("type").GetString());
            Assert.All(panel.GetProperty("targets").EnumerateArray(), target =>
                Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("expr").GetString())));
        });
        Assert.Contains(root.GetProperty("templating").GetProperty("list").EnumerateArray(),
            variable => variable.GetProperty("type").GetString() == "datasource" && variable.GetProperty("query").GetString() == datasourceType);
    }

    /// <summary>Metrics the services expose, or series the rule files record (the local Prometheus loads those too).</summary>
    [Fact]
    public async Task TheNutritionDashboardNamesOnlyMetricsAndLabelsTheServicesExpose()
    {
        var exposition = await LiveMetricsAsync();

        foreach (var query in Dashboards.Queries(Dashboards.NutritionServices))
        {
            foreach (var metric in Dashboards.MetricNames(query))
            {
                Assert.True(exposition.Contains($"\n{metric}{{", StringComparison.Ordinal) || Dashboards.RecordedNames.Contains(metric),
                    $"No service exposes {metric} and no rule records it (in: {query}).");
            }

            foreach (var label in Dashboards.MatcherLabels(query).Where(label => label != TargetLabel))
            {
                Assert.True(exposition.Contains($"{label}=\"", StringComparison.Ordinal), $"No service metric has the label {label} (in: {query}).");
            }
        }
    }

    /// <summary>The /metrics of health-api and of a gRPC service, after a calculation and a rejected gRPC call.</summary>
    private async Task<string> LiveMetricsAsync()
    {
        using var api = fixture.Factory.CreateClient();
        using var calculated = await HealthApiTests.PostAsync(api, WorkedExample.Request);
        Assert.True(calculated.IsSuccessStatusCode);

        await using var bmr = new GrpcServiceFactory<BmrGrpcService>();
        var client = new Contracts.Bmr.BMRService.BMRServiceClient(bmr.CreateChannel());
        await client.SayHelloAsync(new() { Gender = "F", Weight = 60, Height = 1.6, Age = 30, Activity = "sedentary" }, cancellationToken: Cancellation);
        await Assert.ThrowsAsync<RpcException>(() =>
            client.SayHelloAsync(new() { Gender = "F", Weight = 60, Height = 1.6, Age = 30, Activity = "none" }, cancellationToken: Cancellation).ResponseAsync);
        using var bmrHttp = bmr.CreateClient();

        return "\n" + await api.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancellation)
            + "\n" + await bmrHttp.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancellation);
    }
}
