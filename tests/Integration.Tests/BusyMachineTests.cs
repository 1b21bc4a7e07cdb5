using System.Diagnostics;
using System.Net;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>
/// Ready means ready: on a machine kept busy by a CPU-burning process per core, the first request after the chain
/// reports ready is answered, not refused for a deadline the cold start ran past. The deadlines are a third of the
/// defaults, so the test tells a warm chain (tens of milliseconds here) from a cold one (a second or more) on a fast
/// machine too.
/// </summary>
[Collection(SharedNutritionApp.Name)]
public sealed class BusyMachineTests
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(5);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OnABusyMachineTheFirstRequestAfterReadinessIsAnswered()
    {
        using var burners = CpuBurners.StartOnePerCore();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(s_startTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NutritionAspire_AppHost>(
            ["--Observability:Containers=false"], timeout.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project)
                .WithEnvironment("GrpcDependencies__CallTimeout", "00:00:00.700")
                .WithEnvironment("Calculator__RequestTimeout", "00:00:01");
        }

        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.HealthApi, timeout.Token);

        using var client = app.CreateHttpClient(ResourceNames.HealthApi);
        using var response = await client.PostAsync(Contracts.WorkedExample.Path,
            new StringContent(WorkedExample.Request, Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(WorkedExample.ResponseWithoutId, WorkedExample.WithoutId(await response.Content.ReadAsStringAsync(Cancellation)));
    }

    /// <summary>Processes that spin on a CPU each until disposed.</summary>
    private sealed class CpuBurners : IDisposable
    {
        private readonly Process[] _processes;

        private CpuBurners(Process[] processes)
        {
            _processes = processes;
        }

        public static CpuBurners StartOnePerCore() =>
            new([.. Enumerable.Range(0, Environment.ProcessorCount).Select(_ =>
                Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]))
                    ?? throw new InvalidOperationException("Could not start a CPU burner."))]);

        public void Dispose()
        {
            foreach (var process in _processes)
            {
                process.Kill();
                process.Dispose();
            }
        }
    }
}
