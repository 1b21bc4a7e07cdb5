using System.Net;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// One cluster setting of a <see cref="KubernetesEnvironmentResource"/>: an AppHost parameter of that name, given as
/// <c>--Parameters:&lt;name&gt;=…</c> (or <c>Parameters__&lt;name&gt;</c>, user secrets), else its default.
/// </summary>
public sealed class KubernetesSetting
{
    private readonly Func<string, string> _default;

    private KubernetesSetting(string parameterName, string description, Func<string, string> defaultForEnvironment)
    {
        ParameterName = parameterName;
        Description = description;
        _default = defaultForEnvironment;
        OptionName = string.Concat(parameterName.Split('-').Select(word => char.ToUpperInvariant(word[0]) + word[1..]));
    }

    public static KubernetesSetting Namespace { get; } = new("namespace",
        "Namespace of every object.", environment => environment);

    public static KubernetesSetting ImageRegistry { get; } = new("image-registry",
        "Registry and path the cluster pulls the images of the projects from, such as an ECR registry: images are <registry>/<resource>:<tag>; empty for <resource>:<tag>.",
        _ => "");

    public static KubernetesSetting ImageTag { get; } = new("image-tag", "Tag of the images of the projects.", _ => "latest");

    public static KubernetesSetting IngressHost { get; } = new("ingress-host",
        "Public host name the ingress answers for the external HTTP endpoint.", _ => "");

    public static KubernetesSetting IngressSourceNetworks { get; } = new("ingress-source-networks",
        "Networks in CIDR form, comma-separated, the ingress's proxy connects to its backends from (on EKS with Cilium's ENI mode, the VPC's CIDR): " +
        "the resources that declare WithIngressEdgeConfiguration believe its forwarded headers from there only. Empty: none.",
        _ => "");

    public static KubernetesSetting TlsBeforeIngress { get; } = new("tls-before-ingress",
        "true when TLS ends before the ingress (a load balancer holds the certificate), so every request through the ingress came over HTTPS; false otherwise.",
        _ => "false");

    public static KubernetesSetting OtlpEndpoint { get; } = new("otlp-endpoint",
        "Where the resources that export telemetry send OTLP: an http:// or https:// URL with its port; by default the in-cluster Aspire dashboard.",
        _ => AspireDashboardManifests.OtlpEndpoint);

    public static KubernetesSetting OtlpEndpointLocation { get; } = new("otlp-endpoint-location",
        "Cluster or External: where a two-label otlp-endpoint host is (the network policies select one or the other).", _ => "");

    public static KubernetesSetting DashboardImageTag { get; } = new("dashboard-image-tag",
        "Tag of the Aspire dashboard image, <registry>/aspire-dashboard.", _ => "13.1");

    public static KubernetesSetting PrometheusNamespace { get; } = new("prometheus-namespace",
        "Namespace of the Prometheus that scrapes the resources.", _ => "prometheus");

    public static IReadOnlyList<KubernetesSetting> All { get; } =
        [Namespace, ImageRegistry, ImageTag, IngressHost, IngressSourceNetworks, TlsBeforeIngress, OtlpEndpoint, OtlpEndpointLocation, DashboardImageTag,
            PrometheusNamespace];

    public string ParameterName { get; }

    public string Description { get; }

    /// <summary>The same setting spelled <c>--Kubernetes:&lt;OptionName&gt;=…</c>, as scripts written for the earlier publisher do.</summary>
    public string OptionName { get; }

    /// <summary>The value when neither the AppHost nor the command line gives one.</summary>
    internal string DefaultFor(string environmentName) => _default(environmentName);
}

/// <summary>Where the OTLP endpoint is, for a host whose form does not say (see <see cref="OtlpDestination"/>).</summary>
public enum OtlpEndpointLocation
{
    /// <summary>A Service of this cluster, written <c>&lt;service&gt;.&lt;namespace&gt;</c>.</summary>
    Cluster,

    /// <summary>A host outside the cluster, such as <c>honeycomb.io</c>.</summary>
    External,
}

/// <summary>The cluster settings of one publish, resolved from the environment's parameters and validated.</summary>
public sealed partial record KubernetesSettings
{
    /// <summary>The configuration section of the earlier publisher's options, each another spelling of a parameter.</summary>
    public const string OptionsSection = "Kubernetes";

    /// <summary>The <c>app.kubernetes.io/part-of</c> label of every object: the environment's name.</summary>
    public required string Application { get; init; }

    public required string Namespace { get; init; }

    /// <summary>Prefix of the images of the projects; empty for none.</summary>
    public required string ImageRegistry { get; init; }

    public required string ImageTag { get; init; }

    /// <summary>The host the ingress answers; required only when a resource has an external HTTP endpoint.</summary>
    public required string IngressHost { get; init; }

    /// <summary>The networks, in CIDR form, the ingress's proxy connects to its backends from; empty when not given.</summary>
    public required IReadOnlyList<string> IngressSourceNetworks { get; init; }

    /// <summary>Whether TLS ends before the ingress, so every request through it came over HTTPS.</summary>
    public required bool TlsBeforeIngress { get; init; }

    public required string OtlpEndpoint { get; init; }

    public required OtlpEndpointLocation? OtlpEndpointLocation { get; init; }

    public required string DashboardImageTag { get; init; }

    public required string PrometheusNamespace { get; init; }

    /// <summary>Every setting at its default, for an environment named <paramref name="environmentName"/>.</summary>
    public static KubernetesSettings Defaults(string environmentName) => new()
    {
        Application = environmentName,
        Namespace = KubernetesSetting.Namespace.DefaultFor(environmentName),
        ImageRegistry = KubernetesSetting.ImageRegistry.DefaultFor(environmentName),
        ImageTag = KubernetesSetting.ImageTag.DefaultFor(environmentName),
        IngressHost = KubernetesSetting.IngressHost.DefaultFor(environmentName),
        IngressSourceNetworks = [],
        TlsBeforeIngress = false,
        OtlpEndpoint = KubernetesSetting.OtlpEndpoint.DefaultFor(environmentName),
        OtlpEndpointLocation = null,
        DashboardImageTag = KubernetesSetting.DashboardImageTag.DefaultFor(environmentName),
        PrometheusNamespace = KubernetesSetting.PrometheusNamespace.DefaultFor(environmentName),
    };

    /// <summary>
    /// Reads every setting of <paramref name="environment"/>: the parameter's configured value, else its default (never
    /// a prompt). A malformed value, or a <c>Kubernetes:</c> option of the earlier publisher, throws naming it.
    /// </summary>
    internal static KubernetesSettings Resolve(KubernetesEnvironmentResource environment, IConfiguration configuration)
    {
        var options = configuration.GetSection(OptionsSection);
        if (options.GetChildren().FirstOrDefault(option => KubernetesSetting.All.All(s => !s.OptionName.Equals(option.Key, StringComparison.OrdinalIgnoreCase))) is { } unknown)
        {
            throw new InvalidOperationException(
                $"{OptionsSection}:{unknown.Key} is no setting of environment '{environment.Name}'; its settings are the parameters " +
                string.Join(", ", KubernetesSetting.All.Select(s => s.ParameterName)) + " (manifests/README.md).");
        }

        string Value(KubernetesSetting setting)
        {
            var parameter = environment.Parameter(setting);
            var given = configuration[ParameterValues.ConfigurationKey(parameter)];
            // The earlier publisher's spelling of the same parameter: one value, two ways to write it.
            var option = options[setting.OptionName];
            if (given is not null && option is not null && given != option)
            {
                throw new InvalidOperationException(
                    $"Parameter {setting.ParameterName} is given twice, as '{given}' and as {OptionsSection}:{setting.OptionName} '{option}'.");
            }

            return given ?? option ?? parameter.Default?.GetDefaultValue() ?? "";
        }

        var location = Value(KubernetesSetting.OtlpEndpointLocation);
        var tlsBeforeIngress = Value(KubernetesSetting.TlsBeforeIngress);
        var settings = new KubernetesSettings
        {
            Application = environment.Name,
            Namespace = Value(KubernetesSetting.Namespace),
            ImageRegistry = Value(KubernetesSetting.ImageRegistry),
            ImageTag = Value(KubernetesSetting.ImageTag),
            IngressHost = Value(KubernetesSetting.IngressHost),
            IngressSourceNetworks = Value(KubernetesSetting.IngressSourceNetworks).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            TlsBeforeIngress = bool.TryParse(tlsBeforeIngress, out var https) ? https : throw Invalid(KubernetesSetting.TlsBeforeIngress, tlsBeforeIngress, "true or false"),
            OtlpEndpoint = Value(KubernetesSetting.OtlpEndpoint),
            OtlpEndpointLocation = location.Length == 0 ? null
                : Enum.TryParse<OtlpEndpointLocation>(location, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
                : throw Invalid(KubernetesSetting.OtlpEndpointLocation, location, "Cluster or External"),
            DashboardImageTag = Value(KubernetesSetting.DashboardImageTag),
            PrometheusNamespace = Value(KubernetesSetting.PrometheusNamespace),
        };
        settings.Validate();
        return settings;
    }

    internal void Validate()
    {
        Require(DnsLabel().IsMatch(Application) && Application.Length <= 63, "the environment's name", Application,
            "a DNS-1123 label, as it labels every object (app.kubernetes.io/part-of)");
        Require(DnsLabel().IsMatch(Namespace) && Namespace.Length <= 63, KubernetesSetting.Namespace, Namespace,
            "a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)");
        Require(ImageRegistry.Length == 0 || Registry().IsMatch(ImageRegistry), KubernetesSetting.ImageRegistry, ImageRegistry,
            "an image registry and path such as registry.example.org/nutrition, or empty");
        Require(Tag().IsMatch(ImageTag), KubernetesSetting.ImageTag, ImageTag, "an image tag (letters, digits, '_', '.', '-'; at most 128)");
        Require(Tag().IsMatch(DashboardImageTag), KubernetesSetting.DashboardImageTag, DashboardImageTag, "an image tag");
        Require(IngressHost.Length == 0 || DnsSubdomain().IsMatch(IngressHost) && IngressHost.Length <= 253, KubernetesSetting.IngressHost, IngressHost,
            "a DNS name such as health.example.org");
        foreach (var network in IngressSourceNetworks)
        {
            // Parsed as .NET services parse a network; the prefix length is required, so a lone address is no network.
            Require(network.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(network, out _), KubernetesSetting.IngressSourceNetworks, network,
                "networks in CIDR form, comma-separated, such as 10.0.0.0/16");
        }

        if (TlsBeforeIngress && IngressSourceNetworks.Count == 0)
        {
            throw new InvalidOperationException(
                $"Parameter {KubernetesSetting.TlsBeforeIngress.ParameterName} is true, but parameter {KubernetesSetting.IngressSourceNetworks.ParameterName} " +
                "names no network: a resource behind the ingress believes what the ingress forwards only from the networks it connects from.");
        }

        // OTLP/gRPC listens on 4317, so a URL without a port (80 or 443) is most likely a mistake; 443 written out is not.
        Require(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var otlp) && otlp.Scheme is "http" or "https" && ExplicitPort().IsMatch(OtlpEndpoint),
            KubernetesSetting.OtlpEndpoint, OtlpEndpoint, "an http:// or https:// URL with a port, such as http://otel-collector.observability.svc:4317");
        Require(DnsLabel().IsMatch(PrometheusNamespace), KubernetesSetting.PrometheusNamespace, PrometheusNamespace, "a DNS-1123 label");
        OtlpDestination.Of(this);
    }

    private static void Require(bool valid, KubernetesSetting setting, string value, string expected)
    {
        if (!valid)
        {
            throw Invalid(setting, value, expected);
        }
    }

    private static void Require(bool valid, string what, string value, string expected)
    {
        if (!valid)
        {
            throw new InvalidOperationException($"{what} must be {expected}, got '{value}'.");
        }
    }

    internal static InvalidOperationException Invalid(KubernetesSetting setting, string value, string expected) =>
        new($"Parameter {setting.ParameterName} must be {expected}, got '{value}'.");

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    internal static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)*$")]
    private static partial Regex Registry();

    [GeneratedRegex(@"^[A-Za-z]+://[^/?#]*:[0-9]+(/.*)?$")]
    private static partial Regex ExplicitPort();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex Tag();
}
