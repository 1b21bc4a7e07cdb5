using k8s.Models;
using NutritionAspire.Hosting.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>The egress of the resources that export telemetry to the OTLP endpoint, in each form it may take.</summary>
public sealed class OtlpEgressTests
{
    private const string PodNamespace = "k8s:io.kubernetes.pod.namespace";

    /// <summary>A public API calling one gRPC service, which calls nothing; both export telemetry, and a cache does not.</summary>
    private static readonly WorkloadSpec[] s_workloads =
    [
        Workload("health-api", [Http("http", external: true)], [new EndpointUse("bmr-grpc", "grpc")]),
        Workload("bmr-grpc", [new PortSpec("grpc", 30000, 30000, "TCP", "http", "kubernetes.io/h2c", false, null, null), Http("http", external: false)], []),
        Workload("cache", [new PortSpec("tcp", 6379, 6379, "TCP", "tcp", null, false, null, null)], [], exportsTelemetry: false),
    ];

    [Fact]
    public void ByDefaultTheServicesExportToTheInClusterDashboardWhichAdmitsThem()
    {
        var policies = Policies(Settings());

        var otlp = OtlpEgress(policies);
        Assert.Equal("aspire-dashboard", Assert.Single(otlp.ToEndpoints!).MatchLabels["app"]);
        Assert.Equal("18889", Port(otlp));
        var admit = Assert.Single(Assert.Single(policies, p => p.Metadata.Name == "aspire-dashboard-otlp").Spec.Ingress!);
        // Exactly the resources that export: not the cache.
        var exporters = Assert.Single(Assert.Single(admit.FromEndpoints!).MatchExpressions);
        Assert.Equal(("app", "In"), (exporters.Key, exporters.OperatorProperty));
        Assert.Equal(["bmr-grpc", "health-api"], exporters.Values);
        Assert.Single(Assert.Single(policies, p => p.Metadata.Name == "cache-egress").Spec.Egress!);
    }

    [Fact]
    public void ABareServiceNameIsAServiceOfTheManifestsOwnNamespace()
    {
        var policies = Policies(Settings() with { OtlpEndpoint = "http://otel-collector:4317" });

        // The pod resolves otel-collector.<its namespace>.svc.cluster.local, an in-cluster address toFQDNs never selects.
        var otlp = OtlpEgress(policies);
        Assert.Null(otlp.ToFqdns);
        Assert.Empty(Assert.Single(otlp.ToEndpoints!).MatchLabels ?? new Dictionary<string, string>());
        Assert.Equal("4317", Port(otlp));
        // The collector is behind this namespace's default-deny, so the services are admitted to its port.
        var admit = Assert.Single(policies, p => p.Metadata.Name == "otlp-from-services");
        Assert.Empty(admit.Spec.EndpointSelector.MatchLabels ?? new Dictionary<string, string>());
        Assert.Equal("4317", Port(Assert.Single(admit.Spec.Ingress!)));
    }

    [Theory]
    [InlineData("http://otel-collector.observability.svc:4317")]
    [InlineData("http://otel-collector.observability.svc.cluster.local:4317")]
    [InlineData("http://otel-collector.observability.svc.k8s.example.org:4317")]
    public void AServiceNameWithSvcIsSelectedByItsNamespace(string endpoint)
    {
        var policies = Policies(Settings() with { OtlpEndpoint = endpoint });

        var otlp = OtlpEgress(policies);
        Assert.Null(otlp.ToFqdns);
        Assert.Equal(new Dictionary<string, string> { [PodNamespace] = "observability" }, Assert.Single(otlp.ToEndpoints!).MatchLabels);
        Assert.Equal("4317", Port(otlp));
        Assert.DoesNotContain(policies, p => p.Metadata.Name is "otlp-from-services" or "aspire-dashboard-otlp");
    }

    [Theory]
    [InlineData("https://api.honeycomb.io:443", "api.honeycomb.io", "443")]
    [InlineData("http://otlp.eu01.nr-data.net:4317", "otlp.eu01.nr-data.net", "4317")]
    [InlineData("https://collector.example.org.:4318", "collector.example.org", "4318")]
    public void AnyOtherNameOfThreeOrMoreLabelsIsOutsideTheClusterAndAllowedByExactlyThatName(string endpoint, string name, string port)
    {
        var otlp = OtlpEgress(Policies(Settings() with { OtlpEndpoint = endpoint }));

        Assert.Null(otlp.ToEndpoints);
        Assert.Equal(name, Assert.Single(otlp.ToFqdns!).MatchName);
        Assert.Equal(port, Port(otlp));
    }

    [Theory]
    [InlineData("https://honeycomb.io:443", "'honeycomb' of namespace 'io'")]
    [InlineData("http://otel-collector.observability:4317", "'otel-collector' of namespace 'observability'")]
    public void ATwoLabelNameIsRefusedUntilItsLocationIsGiven(string endpoint, string reading)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Policies(Settings() with { OtlpEndpoint = endpoint }));

        Assert.Contains(reading, error.Message, StringComparison.Ordinal);
        Assert.Contains("set parameter otlp-endpoint-location to Cluster or External", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATwoLabelNameFollowsTheLocationGiven()
    {
        var external = OtlpEgress(Policies(Settings() with
        {
            OtlpEndpoint = "https://honeycomb.io:443",
            OtlpEndpointLocation = OtlpEndpointLocation.External,
        }));
        var cluster = OtlpEgress(Policies(Settings() with
        {
            OtlpEndpoint = "http://otel-collector.observability:4317",
            OtlpEndpointLocation = OtlpEndpointLocation.Cluster,
        }));

        Assert.Equal("honeycomb.io", Assert.Single(external.ToFqdns!).MatchName);
        Assert.Null(external.ToEndpoints);
        Assert.Equal(new Dictionary<string, string> { [PodNamespace] = "observability" }, Assert.Single(cluster.ToEndpoints!).MatchLabels);
        Assert.Null(cluster.ToFqdns);
    }

    [Theory]
    [InlineData("https://api.honeycomb.io:443", OtlpEndpointLocation.Cluster, "host 'api.honeycomb.io' is outside the cluster")]
    [InlineData("http://otel-collector:4317", OtlpEndpointLocation.External, "host 'otel-collector' is a Service of the cluster")]
    [InlineData("http://otel-collector.observability.svc:4317", OtlpEndpointLocation.External, "is a Service of the cluster")]
    public void ALocationThatContradictsTheFormOfTheHostIsRefused(string endpoint, OtlpEndpointLocation location, string reason)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Policies(Settings() with { OtlpEndpoint = endpoint, OtlpEndpointLocation = location }));

        Assert.Contains($"Parameter otlp-endpoint-location is {location}", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.0.0.7:4317")]
    [InlineData("http://[fd00::7]:4317")]
    public void AnAddressInsteadOfANameIsRefused(string endpoint)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Policies(Settings() with { OtlpEndpoint = endpoint }));

        Assert.Contains("Parameter otlp-endpoint must name its host", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheExternalEgressIsWrittenWithTheFieldNameCiliumKnows()
    {
        var egress = Assert.Single(Policies(Settings() with { OtlpEndpoint = "https://api.honeycomb.io:443" }),
            p => p.Metadata.Name == "health-api-egress");

        var yaml = KustomizeTree.Yaml(egress);

        Assert.Contains("\n  - toFQDNs:\n    - matchName: api.honeycomb.io\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyAnExternalServiceIsReachableFromTheIngress()
    {
        var policies = Policies(Settings());

        var ingress = Assert.Single(policies, p => p.Spec.Ingress?.Any(rule => rule.FromEntities?.Contains("ingress") == true) == true);
        Assert.Equal("health-api-from-ingress", ingress.Metadata.Name);
        Assert.Equal("8080", Port(Assert.Single(ingress.Spec.Ingress!)));
    }

    private static IReadOnlyList<CiliumNetworkPolicy> Policies(KubernetesSettings settings) => CiliumNetworkPolicies.For(s_workloads, settings);

    private static KubernetesSettings Settings() => KubernetesSettings.Defaults("nutrition-aspire");

    private static PortSpec Http(string name, bool external) => new(name, 8080, 8080, "TCP", "http", "http", external, null, null);

    private static WorkloadSpec Workload(string name, IReadOnlyList<PortSpec> ports, IReadOnlyList<EndpointUse> uses, bool exportsTelemetry = true) =>
        new(name, WorkloadKind.Project, null, "IfNotPresent", null, [], new Dictionary<string, ValueTemplate>(), ports, [], [], 2,
            exportsTelemetry, uses, null, []);

    /// <summary>The OTLP rule of health-api's egress: after DNS, before the services it calls.</summary>
    private static CiliumRule OtlpEgress(IReadOnlyList<CiliumNetworkPolicy> policies) =>
        Assert.Single(policies, p => p.Metadata.Name == "health-api-egress").Spec.Egress![1];

    private static string Port(CiliumRule rule) => Assert.Single(Assert.Single(rule.ToPorts!).Ports).Port;
}
