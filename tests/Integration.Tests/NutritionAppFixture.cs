using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>The real AppHost with its seven service processes, started once for the tests that share it.</summary>
public sealed class NutritionAppFixture : IAsyncLifetime
{
    /// <summary>The dashboard command that load-tests health-api, run here briefly with a few connections.</summary>
    public const string LoadTestCommand = "load-test";

    public const int LoadTestConnections = 4;

    /// <summary>Seven processes start on a two-core machine in well under this.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    public DistributedApplication App { get; private set; } = null!;

    public ZipkinReceiver Spans { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(StartTimeout);
        Spans = await ZipkinReceiver.StartAsync(timeout.Token);

        // The AppHost runs as on a machine whose container engine is not running, whatever this machine has.
        ContainerEngines.MakeUnreachable();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NutritionAspire_AppHost>(
            ["--LoadTest:Duration=00:00:02", $"--LoadTest:Connections={LoadTestConnections}"], timeout.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project)
                .WithEnvironment("ZIPKIN_COLLECTOR_ENDPOINT", Spans.Endpoint.ToString())
                .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "200");
        }

        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        await Task.WhenAll(NutritionServices.All.Select(name => App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token)));
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Spans is not null)
        {
            await Spans.DisposeAsync();
        }
    }
}
