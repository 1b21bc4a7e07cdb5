using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using NutritionAspire.AppHost.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>How the publisher's options are bound and validated, and where the three deployment inputs come from.</summary>
public sealed class KubernetesOptionsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void AnUnknownOptionIsRefusedByName()
    {
        var error = Assert.Throws<InvalidOperationException>(() => KubernetesManifestOptions.From(Configuration(("Kubernetes:Namspace", "nutrition"))));

        Assert.Contains("Invalid Kubernetes options", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Namspace'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsBindCaseInsensitivelyOverTheDefaults()
    {
        var options = KubernetesManifestOptions.From(Configuration(
            ("Kubernetes:namespace", "health"), ("Kubernetes:OtlpEndpoint", "https://honeycomb.io:443"), ("Kubernetes:OtlpEndpointLocation", "external")));

        Assert.Equal(new KubernetesManifestOptions
        {
            Namespace = "health",
            OtlpEndpoint = "https://honeycomb.io:443",
            OtlpEndpointLocation = OtlpEndpointLocation.External,
        }, options);
    }

    [Fact]
    public void AMalformedLocationIsRefusedByName()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            KubernetesManifestOptions.From(Configuration(("Kubernetes:OtlpEndpointLocation", "Nowhere"))));

        Assert.Contains("Kubernetes:OtlpEndpointLocation", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://otel-collector.observability.svc", "must be an http:// or https:// URL with a port")]
    [InlineData("otel-collector:4317", "must be an http:// or https:// URL with a port")]
    [InlineData("https://honeycomb.io:443", "set Kubernetes:OtlpEndpointLocation")]
    public void AnOtlpEndpointThePoliciesCannotPlaceIsRefused(string endpoint, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => KubernetesManifestOptions.From(Configuration(("Kubernetes:OtlpEndpoint", endpoint))));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDeploymentInputsAreParametersWithDefaultsThatTheAspireManifestLeavesOut()
    {
        var builder = PublishBuilder();

        KubernetesDeploymentInputs.Add(builder);

        var parameters = builder.Resources.OfType<ParameterResource>().ToList();
        Assert.Equal(["image-registry", "image-tag", "ingress-host"], parameters.Select(p => p.Name));
        Assert.All(parameters, parameter =>
        {
            Assert.False(string.IsNullOrWhiteSpace(parameter.Description));
            Assert.True(parameter.IsExcludedFromPublish());
        });
        var defaults = new KubernetesManifestOptions();
        Assert.Equal([defaults.ImageRegistry, defaults.ImageTag, defaults.IngressHost], parameters.Select(p => p.Default!.GetDefaultValue()));
    }

    [Fact]
    public async Task ParametersSetTheInputsAndAKubernetesOptionGivenOnTheRunWinsOverThem()
    {
        var builder = PublishBuilder(
            "--Parameters:image-registry=registry.example.org/team", "--Parameters:image-tag=2.0.0",
            "--Kubernetes:ImageTag=2.0.1", "--Kubernetes:IngressHost=health.example.org");
        var inputs = KubernetesDeploymentInputs.Add(builder);

        var options = await inputs.ResolveAsync(builder.Configuration, Cancellation);

        Assert.Equal(("registry.example.org/team", "2.0.1", "health.example.org"), (options.ImageRegistry, options.ImageTag, options.IngressHost));
    }

    [Fact]
    public async Task WithoutParametersOrOptionsTheInputsAreTheirDefaults()
    {
        var builder = PublishBuilder();
        var inputs = KubernetesDeploymentInputs.Add(builder);

        Assert.Equal(new KubernetesManifestOptions(), await inputs.ResolveAsync(builder.Configuration, Cancellation));
    }

    [Fact]
    public async Task AMalformedParameterIsRefusedNamingTheParameter()
    {
        var builder = PublishBuilder("--Parameters:image-tag=not a tag");
        var inputs = KubernetesDeploymentInputs.Add(builder);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => inputs.ResolveAsync(builder.Configuration, Cancellation));

        Assert.Contains("Kubernetes:ImageTag (parameter image-tag) must be an image tag", error.Message, StringComparison.Ordinal);
    }

    private static IDistributedApplicationBuilder PublishBuilder(params string[] arguments) =>
        DistributedApplication.CreateBuilder(["--operation", "publish", .. arguments]);

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}
