using System.Diagnostics;
using NutritionAspire.Contracts;
using NutritionAspire.LoadTesting;
using NutritionAspire.Tests;

namespace NutritionAspire.Benchmarks;

/// <summary>
/// The system as F5 runs it: <c>dotnet run --no-build --project AppHost</c>, the dashboard receiving every span, and
/// requests through health-api's documented port. Times the start to the first 200, then loads the chain.
/// </summary>
internal static class AppHostRun
{
    private static readonly Uri s_healthApi = new("http://localhost:5080");
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(2);

    public static async Task<AppHostReport> MeasureAsync(ProcessGroup group, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var project = Path.Combine(RepositoryPaths.Root, "AppHost", "NutritionAspire.AppHost.csproj");
        Console.WriteLine($"Building the AppHost ({Services.Configuration})...");
        var build = group.Start("AppHost build", "dotnet", ["build", project, "-c", Services.Configuration, "--nologo", "-v", "q"],
            RepositoryPaths.Root, new Dictionary<string, string?>());
        if (await build.WaitForExitAsync(cancellationToken) != 0)
        {
            throw new InvalidOperationException($"The AppHost did not build:\n{build.LastLines()}");
        }

        Console.WriteLine("Starting the AppHost with the dashboard...");
        var started = Stopwatch.StartNew();
        var appHost = group.Start("AppHost", "dotnet",
            ["run", "--no-build", "-c", Services.Configuration, "--project", project, "--launch-profile", "http", "--", "--Observability:Containers=false"],
            RepositoryPaths.Root, new Dictionary<string, string?>());
        await Readiness.WaitAsync([appHost], (http, token) => Readiness.PostsOkAsync(http, s_healthApi, token), s_startTimeout, cancellationToken);
        var toFirst200 = started.Elapsed;
        Console.WriteLine($"  first 200 after {toFirst200.TotalSeconds:0.0} s");

        var services = FindServices();
        try
        {
            var idle = services.ToDictionary(service => service.Name, service => service.ResidentBytes);
            var chain = HttpLoadConnection.PostJson(s_healthApi, WorkedExample.Path, WorkedExample.Request);
            var runs = new List<RunReport>
            {
                await Benchmark.LoadAsync("AppHost: chain POST /calculator", chain, options.Connections, services, options, cancellationToken),
                await Benchmark.LoadAsync("AppHost: chain, serial", chain, 1, services, options, cancellationToken),
            };
            var processes = services.Select(service => new ProcessReport(
                service.Name, Math.Round(idle[service.Name] / 1048576.0, 1), Math.Round(service.ResidentBytes / 1048576.0, 1))).ToList();
            return new AppHostReport(Math.Round(toFirst200.TotalSeconds, 2), runs, processes);
        }
        finally
        {
            foreach (var service in services)
            {
                service.Dispose();
            }

            await group.StopAsync([appHost]);
        }
    }

    /// <summary>
    /// The services the AppHost's orchestrator started (it runs detached, so they are not the AppHost's descendants),
    /// recognised by this repository's build output of each project on their command line.
    /// </summary>
    private static List<ObservedProcess> FindServices()
    {
        var found = new List<ObservedProcess>();
        if (!OperatingSystem.IsLinux())
        {
            return found;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var id))
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }

            var service = Services.Projects.FirstOrDefault(project => commandLine.Contains(
                Path.Combine(RepositoryPaths.Root, "services", project.Project, "bin", Services.Configuration) + Path.DirectorySeparatorChar,
                StringComparison.Ordinal));
            if (service.Name is not null)
            {
                found.Add(new ObservedProcess(service.Name, Process.GetProcessById(id)));
            }
        }

        return found;
    }
}
