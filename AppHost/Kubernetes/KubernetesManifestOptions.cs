using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>
/// What the Kubernetes manifests are generated for, from the <c>Kubernetes</c> configuration section
/// (<c>--Kubernetes:Namespace=nutrition</c> on the command line, or <c>Kubernetes__Namespace</c>). The image registry,
/// image tag and ingress host are also AppHost parameters (<see cref="KubernetesDeploymentInputs"/>).
/// </summary>
public sealed partial record KubernetesManifestOptions
{
    public const string SectionName = "Kubernetes";

    /// <summary>The namespace every object goes to.</summary>
    public string Namespace { get; init; } = "nutrition";

    /// <summary>Prefix of every image, <c>&lt;registry&gt;/&lt;name&gt;:&lt;tag&gt;</c>: a registry host and path, such as an ECR repository root.</summary>
    public string ImageRegistry { get; init; } = "nutritionaspire";

    public string ImageTag { get; init; } = "1.0.0";

    /// <summary>The host the Cilium ingress answers for health-api.</summary>
    public string IngressHost { get; init; } = "health.k8s.cluster.local";

    /// <summary>Where every service sends OTLP; by default the in-cluster Aspire dashboard.</summary>
    public string OtlpEndpoint { get; init; } = AspireDashboardManifests.OtlpEndpoint;

    /// <summary>Whether a two-label <see cref="OtlpEndpoint"/> host is a Service of the cluster or a host outside it.</summary>
    public OtlpEndpointLocation? OtlpEndpointLocation { get; init; }

    /// <summary>The Aspire dashboard image tag; the image is expected under <see cref="ImageRegistry"/>.</summary>
    public string DashboardImageTag { get; init; } = "13.1";

    /// <summary>Binds and validates the options; an unknown key or a malformed value throws, naming it.</summary>
    public static KubernetesManifestOptions From(IConfiguration configuration)
    {
        KubernetesManifestOptions? options;
        try
        {
            options = configuration.GetSection(SectionName).Get<KubernetesManifestOptions>(binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException error)
        {
            throw new InvalidOperationException($"Invalid {SectionName} options: {error.Message}", error);
        }

        options ??= new KubernetesManifestOptions();
        options.Validate();
        return options;
    }

    public void Validate()
    {
        Require(DnsLabel().IsMatch(Namespace) && Namespace.Length <= 63, nameof(Namespace), Namespace,
            "a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)");
        Require(Registry().IsMatch(ImageRegistry), nameof(ImageRegistry), ImageRegistry,
            "an image registry and path such as registry.example.org/nutrition");
        Require(Tag().IsMatch(ImageTag), nameof(ImageTag), ImageTag, "an image tag (letters, digits, '_', '.', '-'; at most 128)");
        Require(Tag().IsMatch(DashboardImageTag), nameof(DashboardImageTag), DashboardImageTag, "an image tag");
        Require(DnsSubdomain().IsMatch(IngressHost) && IngressHost.Length <= 253, nameof(IngressHost), IngressHost,
            "a DNS name such as health.example.org");
        // OTLP/gRPC listens on 4317, so a URL without a port (80 or 443) is most likely a mistake; 443 written out is not.
        Require(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var otlp) && otlp.Scheme is "http" or "https" && ExplicitPort().IsMatch(OtlpEndpoint),
            nameof(OtlpEndpoint), OtlpEndpoint, "an http:// or https:// URL with a port, such as http://otel-collector.observability.svc:4317");
        OtlpDestination.Of(this);
    }

    private static void Require(bool valid, string option, string value, string expected)
    {
        if (!valid)
        {
            var parameter = KubernetesDeploymentInputs.ParameterFor(option) is { } name ? $" (parameter {name})" : "";
            throw new InvalidOperationException($"{SectionName}:{option}{parameter} must be {expected}, got '{value}'.");
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)*$")]
    private static partial Regex Registry();

    [GeneratedRegex(@"^[A-Za-z]+://[^/?#]*:[0-9]+(/.*)?$")]
    private static partial Regex ExplicitPort();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex Tag();
}
