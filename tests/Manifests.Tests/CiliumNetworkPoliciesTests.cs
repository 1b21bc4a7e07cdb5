using k8s.Models;
using NutritionAspire.AppHost.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// The network policies the generator derives from a model and the options, above all the services' egress to the
/// OTLP endpoint in each form it may take.
/// </summary>
public sealed class CiliumNetworkPoliciesTests
{
    private const string PodNamespace = "k8s:io.kubernetes.pod.namespace";

    private static readonly ProbeSpec s_probe = new("http", "/healthz");

    /// <summary>A public API calling one gRPC service, which calls nothing.</summary>
    private static readonly ServiceSpec[] s_services =
    [
        new("health-api", [new("http", 8080, IsGrpc: false)], ["bmr-grpc"], Replicas: 2, IsExternal: true, s_probe, s_probe, s_probe),
        new("bmr-grpc", [new("grpc", 30000, IsGrpc: true), new("http", 8080, IsGrpc: false)], [], Replicas: 2, IsExternal: false, s_probe, s_probe, s_probe),
    ];

    [Fact]
    public void ByDefaultTheServicesExportToTheInClusterDashboardWhichAdmitsThem()
    {
        var policies = Policies(new KubernetesManifestOptions());

        var otlp = OtlpEgress(policies);
        Assert.Equal("aspire-dashboard", Assert.Single(otlp.ToEndpoints!).MatchLabels["app"]);
        Assert.Equal("18889", Port(otlp));
        var admit = Assert.Single(Assert.Single(policies, p => p.Metadata.Name == "aspire-dashboard-otlp").Spec.Ingress!);
        Assert.Equal("nutrition-aspire", Assert.Single(admit.FromEndpoints!).MatchLabels["app.kubernetes.io/part-of"]);
    }

    [Fact]
    public void ABareServiceNameIsAServiceOfTheManifestsOwnNamespace()
    {
        var policies = Policies(new KubernetesManifestOptions { OtlpEndpoint = "http://otel-collector:4317" });

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
        var policies = Policies(new KubernetesManifestOptions { OtlpEndpoint = endpoint });

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
        var otlp = OtlpEgress(Policies(new KubernetesManifestOptions { OtlpEndpoint = endpoint }));

        Assert.Null(otlp.ToEndpoints);
        Assert.Equal(name, Assert.Single(otlp.ToFqdns!).MatchName);
        Assert.Equal(port, Port(otlp));
    }

    [Theory]
    [InlineData("https://honeycomb.io:443", "'honeycomb' of namespace 'io'")]
    [InlineData("http://otel-collector.observability:4317", "'otel-collector' of namespace 'observability'")]
    public void ATwoLabelNameIsRefusedUntilItsLocationIsGiven(string endpoint, string reading)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Policies(new KubernetesManifestOptions { OtlpEndpoint = endpoint }));

        Assert.Contains(reading, error.Message, StringComparison.Ordinal);
        Assert.Contains("set Kubernetes:OtlpEndpointLocation to Cluster or External", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATwoLabelNameFollowsTheLocationGiven()
    {
        var external = OtlpEgress(Policies(new KubernetesManifestOptions
        {
            OtlpEndpoint = "https://honeycomb.io:443",
            OtlpEndpointLocation = OtlpEndpointLocation.External,
        }));
        var cluster = OtlpEgress(Policies(new KubernetesManifestOptions
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
            Policies(new KubernetesManifestOptions { OtlpEndpoint = endpoint, OtlpEndpointLocation = location }));

        Assert.Contains($"Kubernetes:OtlpEndpointLocation is {location}", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.0.0.7:4317")]
    [InlineData("http://[fd00::7]:4317")]
    public void AnAddressInsteadOfANameIsRefused(string endpoint)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Policies(new KubernetesManifestOptions { OtlpEndpoint = endpoint }));

        Assert.Contains("Kubernetes:OtlpEndpoint must name its host", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheExternalEgressIsWrittenWithTheFieldNameCiliumKnows()
    {
        var egress = Assert.Single(Policies(new KubernetesManifestOptions { OtlpEndpoint = "https://api.honeycomb.io:443" }),
            p => p.Metadata.Name == "health-api-egress");

        var yaml = KustomizeTree.Yaml(egress);

        Assert.Contains("\n  - toFQDNs:\n    - matchName: api.honeycomb.io\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void EachReferenceIsAnL7AllowOfTheCalleesMethodsFromTheCallerOnly()
    {
        var policies = Policies(new KubernetesManifestOptions());

        var allow = Assert.Single(policies, p => p.Metadata.Name == "bmr-grpc-from-health-api");
        Assert.Equal("bmr-grpc", allow.Spec.EndpointSelector.MatchLabels["app"]);
        var rule = Assert.Single(allow.Spec.Ingress!);
        Assert.Equal("health-api", Assert.Single(rule.FromEndpoints!).MatchLabels["app"]);
        var port = Assert.Single(rule.ToPorts!);
        Assert.Equal("30000", Assert.Single(port.Ports).Port);
        var http = Assert.Single(port.Rules!.Http!);
        Assert.Equal(("POST", "/bmr.BMRService/SayHello"), (http.Method, http.Path));
        var egress = Assert.Single(policies, p => p.Metadata.Name == "health-api-egress").Spec.Egress!;
        Assert.Equal("bmr-grpc", egress[2].ToEndpoints!.Single().MatchLabels["app"]);
        Assert.Equal(3, egress.Count);
        Assert.Equal(2, Assert.Single(policies, p => p.Metadata.Name == "bmr-grpc-egress").Spec.Egress!.Count);
    }

    [Fact]
    public void OnlyAnExternalServiceIsReachableFromTheIngress()
    {
        var policies = Policies(new KubernetesManifestOptions());

        var ingress = Assert.Single(policies, p => p.Spec.Ingress?.Any(rule => rule.FromEntities?.Contains("ingress") == true) == true);
        Assert.Equal("health-api-from-ingress", ingress.Metadata.Name);
        Assert.Equal("8080", Port(Assert.Single(ingress.Spec.Ingress!)));
    }

    private static IReadOnlyList<CiliumNetworkPolicy> Policies(KubernetesManifestOptions options) => CiliumNetworkPolicies.For(s_services, options);

    /// <summary>The OTLP rule of health-api's egress: after DNS, before the services it calls.</summary>
    private static CiliumRule OtlpEgress(IReadOnlyList<CiliumNetworkPolicy> policies) =>
        Assert.Single(policies, p => p.Metadata.Name == "health-api-egress").Spec.Egress![1];

    private static string Port(CiliumRule rule) => Assert.Single(Assert.Single(rule.ToPorts!).Ports).Port;
}
