using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;
using NutritionAspire.Tests;

namespace NutritionAspire.Benchmarks;

/// <summary>The seven services started from their build output on loopback ports, wired to each other as the AppHost does.</summary>
internal static class Services
{
    /// <summary>Each resource and its project folder under <c>services/</c>, callees before callers.</summary>
    public static IReadOnlyList<(string Name, string Project)> Projects { get; } =
    [
        (ResourceNames.WaterGrpc, "Water.Grpc"), (ResourceNames.ProteinsGrpc, "Proteins.Grpc"), (ResourceNames.CaloriesGrpc, "Calories.Grpc"),
        (ResourceNames.RecommendationsGrpc, "Recommendations.Grpc"), (ResourceNames.BmrGrpc, "Bmr.Grpc"), (ResourceNames.ImcGrpc, "Imc.Grpc"),
        (ResourceNames.HealthApi, "HealthApi"),
    ];

    /// <summary>The callers' address variables and the resource each names.</summary>
    private static readonly (string Caller, string Variable, string Callee)[] s_dependencies =
    [
        (ResourceNames.RecommendationsGrpc, "WATER_SERVICE_ENDPOINT", ResourceNames.WaterGrpc),
        (ResourceNames.RecommendationsGrpc, "PROTEINS_SERVICE_ENDPOINT", ResourceNames.ProteinsGrpc),
        (ResourceNames.RecommendationsGrpc, "CALORIES_SERVICE_ENDPOINT", ResourceNames.CaloriesGrpc),
        (ResourceNames.HealthApi, "BMR_SERVICE_ENDPOINT", ResourceNames.BmrGrpc),
        (ResourceNames.HealthApi, "IMC_SERVICE_ENDPOINT", ResourceNames.ImcGrpc),
        (ResourceNames.HealthApi, "RECOMMENDATIONS_SERVICE_ENDPOINT", ResourceNames.RecommendationsGrpc),
    ];

    public static string Configuration { get; } =
        typeof(Services).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>The project, assembly and program name of a service folder: every project is <c>NutritionAspire.&lt;folder&gt;</c>.</summary>
    public static string Program(string project) => $"NutritionAspire.{project}";

    /// <summary>The folder of a service's JIT build output.</summary>
    public static string BuildOutput(string project) => Path.Combine(RepositoryPaths.Root, "services", project, "bin", Configuration, "net10.0");

    /// <summary>
    /// Publishes the seven services with Native AOT (the form their container images ship) under <c>artifacts/</c>,
    /// one after the other, and returns the folder of each service.
    /// </summary>
    public static async Task<Func<string, string>> PublishAotAsync(ProcessGroup group, CancellationToken cancellationToken)
    {
        var root = Path.Combine(RepositoryPaths.Root, "artifacts", "benchmarks", "aot");
        foreach (var (name, project) in Projects)
        {
            Console.WriteLine($"Publishing {name} with Native AOT...");
            var publish = group.Start($"{name} publish", "dotnet",
            [
                "publish", Path.Combine(RepositoryPaths.Root, "services", project, $"{Program(project)}.csproj"), "-c", Configuration,
                "-r", RuntimeInformation.RuntimeIdentifier, "-p:PublishAot=true", "-o", Path.Combine(root, project), "--nologo", "-v", "q",
            ], RepositoryPaths.Root, new Dictionary<string, string?>());
            if (await publish.WaitForExitAsync(cancellationToken) != 0)
            {
                throw new InvalidOperationException($"{name} did not publish with Native AOT:\n{publish.LastLines()}");
            }
        }

        return project => Path.Combine(root, project);
    }

    /// <summary>The cluster's trace sampling: a share of the requests, each service following its caller.</summary>
    public static IReadOnlyDictionary<string, string?> ClusterSampling { get; } = new Dictionary<string, string?>
    {
        [TraceSampling.SamplerVariable] = TraceSampling.ParentBasedRatio,
        [TraceSampling.RatioVariable] = TraceSampling.ClusterRatio,
    };

    /// <summary>Every request traced, as a local run does.</summary>
    public static IReadOnlyDictionary<string, string?> EveryRequestTraced { get; } = new Dictionary<string, string?>
    {
        [TraceSampling.SamplerVariable] = "parentbased_always_on",
    };

    /// <summary>
    /// Starts the seven services (Production environment, no telemetry exporter, <paramref name="sampling"/>) from
    /// <paramref name="outputOf"/> each project; each process is named for its resource and <paramref name="label"/>.
    /// </summary>
    public static StartedServices Start(ProcessGroup group, Func<string, string> outputOf, IReadOnlyDictionary<string, string?> sampling, string label = "")
    {
        var grpcPorts = Projects.ToDictionary(project => project.Name, _ => Loopback.UnusedPort());
        var httpPorts = Projects.ToDictionary(project => project.Name, _ => Loopback.UnusedPort());
        var processes = new List<ServerProcess>();
        foreach (var (name, project) in Projects)
        {
            var environment = new Dictionary<string, string?>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Kestrel__Endpoints__grpc__Url"] = $"http://127.0.0.1:{grpcPorts[name]}",
                ["Kestrel__Endpoints__http__Url"] = $"http://127.0.0.1:{httpPorts[name]}",
            };
            foreach (var (variable, value) in sampling)
            {
                environment[variable] = value;
            }

            if (name == ResourceNames.HealthApi)
            {
                // health-api serves HTTP/1.1 only; its one endpoint is the default one.
                environment.Remove("Kestrel__Endpoints__grpc__Url");
                environment.Remove("Kestrel__Endpoints__http__Url");
                environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPorts[name]}";
                // The load comes from one address: the per-client rate limit would measure itself, not the service.
                environment["RateLimit__Enabled"] = "false";
            }

            foreach (var (_, variable, callee) in s_dependencies.Where(dependency => dependency.Caller == name))
            {
                environment[variable] = $"127.0.0.1:{grpcPorts[callee]}";
            }

            var output = outputOf(project);
            var executable = Path.Combine(output, OperatingSystem.IsWindows() ? $"{Program(project)}.exe" : Program(project));
            if (!File.Exists(executable))
            {
                throw new InvalidOperationException($"{executable} is missing: build (or publish) the services in {Configuration} first.");
            }

            processes.Add(group.Start(name + label, executable, [], output, environment));
        }

        var healthChecks = Projects.Select(project => new Uri(
            $"http://127.0.0.1:{httpPorts[project.Name]}{(project.Name == ResourceNames.HealthApi ? "/readiness" : "/healthz")}"));
        return new StartedServices(processes, new Uri($"http://127.0.0.1:{httpPorts[ResourceNames.HealthApi]}"), [.. healthChecks]);
    }
}

/// <summary>The running services, health-api's address, and the health endpoint of each (probed as the AppHost does).</summary>
internal sealed record StartedServices(IReadOnlyList<ServerProcess> Processes, Uri HealthApi, IReadOnlyList<Uri> HealthChecks)
{
    /// <summary>Waits until every service reports ready.</summary>
    public Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Readiness.WaitAsync(Processes, async (http, token) =>
        {
            foreach (var check in HealthChecks)
            {
                using var response = await http.GetAsync(check, token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return false;
                }
            }

            return true;
        }, timeout, cancellationToken);
}
