using NutritionAspire.Hosting.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>How the environment's settings are validated: a malformed value is refused, naming its parameter.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("namespace", "Not_A_Label", "Parameter namespace must be a DNS-1123 label")]
    [InlineData("image-registry", "Registry.Example.org", "Parameter image-registry must be an image registry")]
    [InlineData("image-tag", "not a tag", "Parameter image-tag must be an image tag")]
    [InlineData("ingress-host", "health_api", "Parameter ingress-host must be a DNS name")]
    [InlineData("otlp-endpoint", "http://otel-collector.observability.svc", "Parameter otlp-endpoint must be an http:// or https:// URL with a port")]
    [InlineData("otlp-endpoint", "otel-collector:4317", "Parameter otlp-endpoint must be an http:// or https:// URL with a port")]
    [InlineData("otlp-endpoint", "https://honeycomb.io:443", "set parameter otlp-endpoint-location to Cluster or External")]
    [InlineData("prometheus-namespace", "Monitoring", "Parameter prometheus-namespace must be a DNS-1123 label")]
    [InlineData("ingress-source-networks", "10.0.0.0/16,10.1.0.0", "Parameter ingress-source-networks must be networks in CIDR form, comma-separated, such as 10.0.0.0/16, got '10.1.0.0'")]
    [InlineData("ingress-source-networks", "10.0.0.0/33", "Parameter ingress-source-networks must be networks in CIDR form")]
    [InlineData("ingress-source-networks", "vpc", "Parameter ingress-source-networks must be networks in CIDR form")]
    public void AMalformedSettingIsRefusedNamingItsParameter(string parameter, string value, string message)
    {
        var settings = With(KubernetesSettings.Defaults("shop"), parameter, value);

        var error = Assert.Throws<InvalidOperationException>(settings.Validate);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDefaultsAreValidAndTheNamespaceIsTheEnvironmentsName()
    {
        var settings = KubernetesSettings.Defaults("shop");

        settings.Validate();

        Assert.Equal(("shop", "shop", "", "latest"), (settings.Application, settings.Namespace, settings.ImageRegistry, settings.ImageTag));
        Assert.Equal("http://aspire-dashboard:18889", settings.OtlpEndpoint);
        Assert.Equal(([], false), (settings.IngressSourceNetworks, settings.TlsBeforeIngress));
    }

    [Fact]
    public void TlsBeforeTheIngressNeedsTheNetworksTheIngressConnectsFrom()
    {
        var settings = KubernetesSettings.Defaults("shop") with { TlsBeforeIngress = true };

        var error = Assert.Throws<InvalidOperationException>(settings.Validate);

        Assert.Contains("Parameter tls-before-ingress is true, but parameter ingress-source-networks names no network", error.Message, StringComparison.Ordinal);
        (settings with { IngressSourceNetworks = ["10.0.0.0/16", "fd00::/8"] }).Validate();
    }

    private static KubernetesSettings With(KubernetesSettings settings, string parameter, string value) => parameter switch
    {
        "namespace" => settings with { Namespace = value },
        "image-registry" => settings with { ImageRegistry = value },
        "image-tag" => settings with { ImageTag = value },
        "ingress-host" => settings with { IngressHost = value },
        "otlp-endpoint" => settings with { OtlpEndpoint = value },
        "prometheus-namespace" => settings with { PrometheusNamespace = value },
        "ingress-source-networks" => settings with { IngressSourceNetworks = value.Split(',') },
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, null),
    };
}
