using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// The AppHost stays consumable by <c>aspirate generate</c>: its Aspire manifest maps, and the services run on exactly
/// the environment Aspirate derives from it, each in a network namespace of its own as in a pod.
/// </summary>
public sealed class AspirateCompatibilityTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheAspireManifestHasEveryServiceWithBindingsAspirateCanMap()
    {
        var manifest = await PublishAspireManifestAsync();
        var resources = manifest["resources"]!.AsObject();

        Assert.Equal(NutritionServices.All.Order(), resources.Select(r => r.Key).Order());
        foreach (var (name, resource) in resources)
        {
            Assert.StartsWith("project.v", resource!["type"]!.GetValue<string>(), StringComparison.Ordinal);
            var bindings = resource["bindings"]!.AsObject();
            var http = bindings["http"]!;
            Assert.Equal(("http", 8080), (http["scheme"]!.GetValue<string>(), http["targetPort"]!.GetValue<int>()));
            Assert.Null(bindings["https"]);
            if (name != ResourceNames.HealthApi)
            {
                var grpc = bindings["grpc"]!;
                Assert.Equal(("http2", 30000), (grpc["transport"]!.GetValue<string>(), grpc["targetPort"]!.GetValue<int>()));
            }
        }

        Assert.True(resources[ResourceNames.HealthApi]!["bindings"]!["http"]!["external"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TheServicesAnswerTheWorkedExampleOnTheEnvironmentAspirateGenerates()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip"))
        {
            Assert.Skip("Needs root and iproute2 to give each service a network namespace of its own.");
        }

        var manifest = await PublishAspireManifestAsync();
        await using var network = await PodNetwork.CreateAsync(NutritionServices.All, Cancellation);
        foreach (var service in NutritionServices.All)
        {
            var environment = AspirateEnvironment.For(manifest, service);
            if (service == ResourceNames.RecommendationsGrpc)
            {
                // What Aspirate writes for a gRPC (http2) binding: host:port, no scheme.
                Assert.Equal("water-grpc:30000", environment["services__water-grpc__grpc__0"]);
            }

            // The manifest's project paths are relative to where it was written; the project file names are the repository's.
            var projectFile = Path.GetFileName(manifest["resources"]![service]!["path"]!.GetValue<string>());
            var project = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "services"), projectFile, SearchOption.AllDirectories).Single();
            network.Start(service, Repository.ServiceAssembly(project), environment);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var service in NutritionServices.All)
        {
            await network.WaitUntilHealthyAsync(http, service, service == ResourceNames.HealthApi ? "/readiness" : "/healthz", Cancellation);
        }

        using var response = await http.PostAsync(new Uri($"http://{network.Address(ResourceNames.HealthApi)}:8080/calculator"),
            new StringContent(WorkedExample.Request, Encoding.UTF8, "application/json"), Cancellation);

        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body + network.Logs());
        Assert.Equal(WorkedExample.ResponseWithoutId, WorkedExample.WithoutId(body));
    }

    /// <summary>The Aspire manifest Aspirate reads, published in this process from the AppHost's entry point.</summary>
    private static async Task<JsonObject> PublishAspireManifestAsync()
    {
        using var output = new TemporaryDirectory();
        var path = Path.Combine(output.Path, "aspire-manifest.json");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NutritionAspire_AppHost>(
            ["--publisher", "manifest", "--output-path", path], Cancellation);
        await using (var app = await builder.BuildAsync(Cancellation))
        {
            await app.RunAsync(Cancellation);
        }

        return JsonNode.Parse(await File.ReadAllTextAsync(path, Cancellation))!.AsObject();
    }
}
