using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>
/// What a developer's machine gets from a local run: the services on loopback only, started the platform's way with
/// no arguments they did not ask for, and Prometheus and Grafana where they can run, left out visibly where not.
/// </summary>
[Collection(SharedNutritionApp.Name)]
public sealed class LocalRunTests(NutritionAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void EveryServiceAndTheProxyInFrontOfItListenOnLoopbackOnly()
    {
        var sockets = LinuxProcesses.ListeningSockets();
        foreach (var project in Projects())
        {
            var serviceSockets = LinuxProcesses.Tree(LauncherOf(project)).SelectMany(LinuxProcesses.ListeningSocketsOf).ToList();
            Assert.True(serviceSockets.Count >= project.GetEndpoints().Count(), $"{project.Name} listens on {serviceSockets.Count} sockets");
            Assert.All(serviceSockets, socket => Assert.True(IPAddress.IsLoopback(socket.Address), $"{project.Name} listens on {socket}"));

            foreach (var endpoint in project.GetEndpoints())
            {
                var proxies = sockets.Where(socket => socket.Port == endpoint.Port).ToList();
                Assert.True(proxies.Count > 0, $"nothing listens on {project.Name}'s {endpoint.EndpointName} address {endpoint.Port}");
                Assert.All(proxies, socket => Assert.True(IPAddress.IsLoopback(socket.Address), $"{project.Name}'s {endpoint.EndpointName} proxy listens on {socket}"));
            }
        }
    }

    [Fact]
    public void EveryServiceRunsWithNoArgumentItDidNotAskFor()
    {
        foreach (var project in Projects())
        {
            var program = Path.GetFileNameWithoutExtension(project.GetProjectMetadata().ProjectPath);
            var service = LinuxProcesses.Tree(LauncherOf(project))
                .Select(LinuxProcesses.CommandLine)
                .Select(arguments => arguments.SkipWhile(argument => !IsProgram(argument, program)).ToList())
                .FirstOrDefault(arguments => arguments.Count > 0);

            Assert.True(service is not null, $"no process of {project.Name} runs {program}");
            Assert.Equal([], service.Skip(1));
        }

        static bool IsProgram(string argument, string program) =>
            Path.GetFileName(argument) is var file && (file == program || file == program + ".dll");
    }

    [Fact]
    public async Task WithoutAContainerEnginePrometheusRunsFromItsBinaryAndGrafanaIsShownLeftOut()
    {
        var grafana = Snapshot(ResourceNames.Grafana);
        Assert.Equal("Left out", grafana.State?.Text);
        Assert.Contains("no container engine", (string?)grafana.Properties.Single(property => property.Name == "Reason").Value, StringComparison.Ordinal);

        var prometheus = Snapshot(ResourceNames.Prometheus);
        if (PrometheusServer.Binary is null)
        {
            Assert.Equal("Left out", prometheus.State?.Text);
            return;
        }

        Assert.Equal("Executable", prometheus.ResourceType);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Prometheus, timeout.Token);
    }

    private IEnumerable<ProjectResource> Projects() =>
        fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>();

    /// <summary>The process the orchestrator started for the project (<c>dotnet run</c>, which starts the service).</summary>
    private int LauncherOf(ProjectResource project) =>
        Assert.IsType<int>(Snapshot(project.Name).Properties.Single(property => property.Name == "executable.pid").Value);

    private CustomResourceSnapshot Snapshot(string name)
    {
        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(name, out var resource), $"{name} has no state");
        return resource.Snapshot;
    }
}
