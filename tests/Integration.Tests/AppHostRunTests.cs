using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>
/// The AppHost as developers start it, in a process of its own: F5 from an IDE, and <c>dotnet run</c> on a machine
/// whose container engine is not running. In the shared collection so that one AppHost starts at a time.
/// </summary>
[Collection(SharedNutritionApp.Name)]
public sealed class AppHostRunTests
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Under <c>dotnet watch</c> every service is built once more before it starts, seven builds on a small machine.</summary>
    private static readonly TimeSpan s_watchTimeout = TimeSpan.FromMinutes(6);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnderAnIdeEveryServiceIsRunByTheIdeWithNoArgumentsAndTheSystemAnswers()
    {
        await using var ide = await FakeIde.StartAsync(Cancellation);
        await using var appHost = AppHostProcess.Start(new Dictionary<string, string>(ide.Environment.Concat(ContainerEngines.UnreachableEnvironment)));

        await appHost.WaitForOutputAsync(AppHostProcess.StartedLine, s_startTimeout, Cancellation);
        // "Started" comes before the services behind WaitFor are launched: health-api's session follows recommendations-grpc's health.
        var expected = NutritionServiceProjects().Count();
        await Eventually.ReturnsAsync(token => Task.FromResult(ide.Requests.Count >= expected ? "all asked for" : null),
            s_startTimeout, () => $"the IDE was asked for {ide.Requests.Count} of {expected} run sessions", Cancellation);

        var projects = ide.Requests
            .Select(request => Assert.Single(request["launch_configurations"]!.AsArray(), IsProject)!.AsObject())
            .ToList();
        Assert.Equal(
            NutritionServiceProjects().Order(StringComparer.Ordinal),
            projects.Select(launch => Path.GetFullPath((string)launch["project_path"]!)).Order(StringComparer.Ordinal));
        Assert.All(projects, launch => Assert.Equal("Debug", (string?)launch["mode"]));
        Assert.All(ide.Requests, request => Assert.True(request["args"] is null or JsonArray { Count: 0 }, $"stray arguments: {request["args"]}"));

        var healthApi = new Uri(Environment(ide.Requests.Single(request => IsHealthApi(request)))["ASPNETCORE_URLS"].Split(';')[0]);
        using var http = new HttpClient { BaseAddress = healthApi, Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.ReturnsAsync(async token => await IsReadyAsync(http, token) ? "ready" : null,
            s_startTimeout, () => "health-api run by the IDE never became ready", Cancellation);
        using var response = await http.PostAsync("/calculator", new StringContent(WorkedExample.Request, Encoding.UTF8, "application/json"), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(WorkedExample.ResponseWithoutId, WorkedExample.WithoutId(await response.Content.ReadAsStringAsync(Cancellation)));

        Assert.Equal(0, await appHost.TerminateAsync(s_stopTimeout, Cancellation));
        Assert.DoesNotContain("fail:", appHost.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAContainerEngineTheRunReportsStartedSaysWhatIsLeftOutAndStopsCleanlyOnSigterm()
    {
        await using var appHost = AppHostProcess.Start(ContainerEngines.UnreachableEnvironment);

        await appHost.WaitForOutputAsync(AppHostProcess.StartedLine, s_startTimeout, Cancellation);

        Assert.Contains("No container engine (docker is not running", appHost.Output, StringComparison.Ordinal);
        Assert.Equal(0, await appHost.TerminateAsync(s_stopTimeout, Cancellation));
        Assert.DoesNotContain("fail:", appHost.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnderDotnetWatchAChangedServiceIsRebuiltAndRestarted()
    {
        // What `dotnet watch --project AppHost` gives the AppHost: services are then run by `dotnet watch` too.
        await using var appHost = AppHostProcess.Start(new Dictionary<string, string>(
            ContainerEngines.UnreachableEnvironment.Append(new("DOTNET_WATCH", "1"))));
        await appHost.WaitForOutputAsync(AppHostProcess.StartedLine, s_watchTimeout, Cancellation);
        var water = await Eventually.ReturnsAsync(_ => Task.FromResult(WaterProcessUnderWatch()), s_watchTimeout,
            () => "water-grpc is not running under dotnet watch", Cancellation);

        // A saved source file (its content unchanged, so the repository is too).
        File.SetLastWriteTimeUtc(Path.Combine(RepositoryPaths.Root, "services", "Water.Grpc", "WaterGrpcService.cs"), DateTime.UtcNow);

        var restarted = await Eventually.ReturnsAsync(_ => Task.FromResult(WaterProcessUnderWatch() is { } pid && pid != water ? pid : null),
            s_watchTimeout, () => "water-grpc was not restarted", Cancellation);
        var restartedEnvironment = LinuxProcesses.EnvironmentOf(int.Parse(restarted, System.Globalization.CultureInfo.InvariantCulture));
        var address = restartedEnvironment["Kestrel__Endpoints__http__Url"];
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.ReturnsAsync(async token => await IsHealthyAsync(http, token) ? "healthy" : null,
            s_watchTimeout, () => "the restarted water-grpc never answered /healthz", Cancellation);

        // The AppHost stops cleanly. A service run by dotnet watch can outlive it (health-api has been seen left
        // running after dotnet watch was stopped), so the processes of this run, those sending telemetry to its
        // dashboard, are stopped here rather than left on the machine.
        var dashboard = restartedEnvironment["OTEL_EXPORTER_OTLP_ENDPOINT"];
        Assert.Equal(0, await appHost.TerminateAsync(s_stopTimeout, Cancellation));
        foreach (var survivor in ServicesExportingTo(dashboard))
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(survivor);
                process.Kill();
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
            {
                // It exited meanwhile.
            }
        }
    }

    /// <summary>The ids of the processes of a run: those sending telemetry to its dashboard.</summary>
    private static List<int> ServicesExportingTo(string dashboard) =>
        [.. LinuxProcesses.All().Where(pid => LinuxProcesses.EnvironmentOf(pid).GetValueOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT") == dashboard)];

    /// <summary>
    /// The id of water-grpc's own process (the program, not the tools that run it) run by <c>dotnet watch</c>. The
    /// orchestrator runs detached from the AppHost, so it is found by its ancestry, not in the AppHost's process tree.
    /// </summary>
    private static string? WaterProcessUnderWatch() =>
        LinuxProcesses.All()
            .Where(pid => LinuxProcesses.CommandLine(pid) is [var program, ..] && Path.GetFileName(program) == "NutritionAspire.Water.Grpc")
            .Where(pid => LinuxProcesses.Ancestors(pid).Any(ancestor => LinuxProcesses.CommandLine(ancestor) is ["dotnet", "watch", ..]))
            .Select(pid => pid.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();

    private static async Task<bool> IsHealthyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/healthz", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/readiness", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            // Not listening yet: the IDE reports a run session started as soon as its process is.
            return false;
        }
    }

    private static bool IsProject(JsonNode? launch) => (string?)launch?["type"] is "project";

    private static bool IsHealthApi(JsonObject request) =>
        request["launch_configurations"]!.AsArray().Any(launch => ((string)launch!["project_path"]!).EndsWith("NutritionAspire.HealthApi.csproj", StringComparison.Ordinal));

    private static Dictionary<string, string> Environment(JsonObject request) =>
        request["env"]!.AsArray().ToDictionary(variable => (string)variable!["name"]!, variable => (string)variable!["value"]!);

    private static IEnumerable<string> NutritionServiceProjects() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "services"), "*.csproj", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".Grpc.csproj", StringComparison.Ordinal) || path.EndsWith("NutritionAspire.HealthApi.csproj", StringComparison.Ordinal))
            .Select(Path.GetFullPath);
}
