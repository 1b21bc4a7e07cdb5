using System.Net;
using Aspire.Hosting;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using NutritionAspire.HealthApi.Edge;
using NutritionAspire.Hosting.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// health-api's public edge, published from the model: the ingress's source networks and whether TLS ends before it
/// are parameters of the environment, land in health-api's ConfigMap under the keys health-api reads, and no service is
/// told to believe every sender's forwarded headers.
/// </summary>
public sealed class IngressEdgeTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("--Parameters:ingress-source-networks=10.20.0.0/16", "--Parameters:tls-before-ingress=true")]
    [InlineData("--Kubernetes:IngressSourceNetworks=10.20.0.0/16", "--Kubernetes:TlsBeforeIngress=True")]
    public async Task TheParametersGiveHealthApiTheIngresssNetworkAndHttpsAsItReadsThem(string networks, string https)
    {
        using var output = new TemporaryDirectory();

        var outcome = await Publishing.AppHostAsync(output.Path, [networks, https], Cancellation);

        Assert.True(outcome.Succeeded, outcome.Log);
        var settings = Settings(outcome, "health-api");
        Assert.Equal("10.20.0.0/16", settings["PublicEdge__TrustedNetworks__0"]);
        Assert.Equal("true", settings["PublicEdge__Https"]);
        // health-api binds them as it starts: the ingress's addresses are believed, HTTPS is assumed, no one else is.
        var edge = PublicEdgeOptions.Read(AsConfiguration(settings));
        Assert.True(edge.Https);
        Assert.Equal([IPNetwork.Parse("10.20.0.0/16")], edge.TrustedProxyNetworks());
        Assert.True(edge.IsTrusted(IPAddress.Parse("10.20.3.4")));
        Assert.False(edge.IsTrusted(IPAddress.Parse("203.0.113.5")));
        // Only the resource behind the ingress is told.
        Assert.All(outcome.Tree.Where(file => file.Key.EndsWith("/configmap.yaml", StringComparison.Ordinal) && !file.Key.StartsWith("health-api/", StringComparison.Ordinal)),
            file => Assert.DoesNotContain("PublicEdge__", file.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EverySourceNetworkIsAnEntryOfTheListAndHttpsIsLeftOutWhenTlsEndsAtTheIngress()
    {
        using var output = new TemporaryDirectory();

        var outcome = await Publishing.AppHostAsync(output.Path, ["--Parameters:ingress-source-networks=10.20.0.0/16, 100.64.0.0/10,fd00:ec2::/64"], Cancellation);

        Assert.True(outcome.Succeeded, outcome.Log);
        var settings = Settings(outcome, "health-api");
        Assert.Equal(["10.20.0.0/16", "100.64.0.0/10", "fd00:ec2::/64"],
            [settings["PublicEdge__TrustedNetworks__0"], settings["PublicEdge__TrustedNetworks__1"], settings["PublicEdge__TrustedNetworks__2"]]);
        Assert.DoesNotContain("PublicEdge__TrustedNetworks__3", settings.Keys);
        Assert.DoesNotContain("PublicEdge__Https", settings.Keys);
        var edge = PublicEdgeOptions.Read(AsConfiguration(settings));
        Assert.False(edge.Https);
        Assert.Equal(3, edge.TrustedProxyNetworks().Count);
    }

    [Fact]
    public void ByDefaultNoServiceIsToldToBelieveAForwarder()
    {
        var configMaps = ManifestFiles.OfType<V1ConfigMap>().Where(c => c.Metadata.Name.EndsWith("-env", StringComparison.Ordinal)).ToList();

        Assert.Equal(7, configMaps.Count);
        // Not every sender (Aspire's publish-mode switch for projects), and no network either until one is given.
        Assert.All(configMaps.SelectMany(c => c.Data.Keys), key =>
        {
            Assert.NotEqual("ASPNETCORE_FORWARDEDHEADERS_ENABLED", key);
            Assert.DoesNotContain("PublicEdge", key, StringComparison.Ordinal);
        });
        Assert.DoesNotContain(ManifestFiles.OfType<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? [])),
            e => e.Name == "ASPNETCORE_FORWARDEDHEADERS_ENABLED");
    }

    [Theory]
    [InlineData("--Parameters:tls-before-ingress=true",
        "Parameter tls-before-ingress is true, but parameter ingress-source-networks names no network")]
    [InlineData("--Parameters:tls-before-ingress=yes", "Parameter tls-before-ingress must be true or false, got 'yes'")]
    [InlineData("--Parameters:ingress-source-networks=10.20.0.0", "Parameter ingress-source-networks must be networks in CIDR form, comma-separated, such as 10.0.0.0/16, got '10.20.0.0'")]
    [InlineData("--Parameters:ingress-source-networks=10.20.0.0/40", "Parameter ingress-source-networks must be networks in CIDR form, comma-separated, such as 10.0.0.0/16, got '10.20.0.0/40'")]
    [InlineData("--Parameters:ingress-source-networks=10.20.0.0/16;10.30.0.0/16", "got '10.20.0.0/16;10.30.0.0/16'")]
    public async Task AnEdgeHealthApiWouldRefuseAtStartUpIsRefusedAtPublishNamingTheParameter(string argument, string message)
    {
        using var output = new TemporaryDirectory();

        var outcome = await Publishing.AppHostAsync(output.Path, [argument], Cancellation);

        Assert.False(outcome.Succeeded);
        Assert.Contains(message, outcome.Log, StringComparison.Ordinal);
        Assert.Empty(outcome.Tree);
    }

    [Fact]
    public async Task AModelsOwnValueOfAnEdgeSettingIsRefusedNamingIt()
    {
        using var output = new TemporaryDirectory();
        var builder = Publishing.Builder(output.Path, "--Parameters:ingress-source-networks=10.20.0.0/16", "--Parameters:tls-before-ingress=true");
        builder.AddKubernetesEnvironment("shop").WithIngressHost("shop.example.org");
        builder.AddContainer("api", "registry.example.org/api", "1.0")
            .WithHttpEndpoint(targetPort: 8080, name: "http")
            .WithExternalHttpEndpoints()
            .WithIngressEdgeConfiguration(sourceNetworksKey: "Edge:Proxies", httpsKey: "Edge:Https")
            .WithEnvironment("Edge__Https", "false");

        var outcome = await Publishing.RunAsync(builder, output.Path, Cancellation);

        Assert.False(outcome.Succeeded);
        Assert.Contains("Resource 'api': environment variable Edge__Https cannot be published to Kubernetes: WithIngressEdgeConfiguration sets it",
            outcome.Log, StringComparison.Ordinal);
    }

    private static IDictionary<string, string> Settings(PublishOutcome outcome, string resource) =>
        Assert.Single(ManifestFiles.LoadStrictly(outcome.Tree[$"{resource}/configmap.yaml"]).OfType<V1ConfigMap>()).Data;

    /// <summary>The settings as a .NET service reads them from its environment (<c>__</c> is <c>:</c>).</summary>
    private static IConfiguration AsConfiguration(IDictionary<string, string> settings) => new ConfigurationBuilder()
        .AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key.Replace("__", ":", StringComparison.Ordinal), (string?)setting.Value)))
        .Build();
}
