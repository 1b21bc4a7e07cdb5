using k8s.Models;
using static NutritionAspire.AppHost.Kubernetes.KubernetesObjects;

namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>
/// The CiliumNetworkPolicies of the namespace: default-deny ingress, one L7 allow per reference of the model (the gRPC
/// method paths from the compiled protos), each service's egress, and the platform's own flows (the ingress, Prometheus,
/// OTLP).
/// </summary>
public static class CiliumNetworkPolicies
{
    /// <summary>Where Prometheus runs; it scrapes <c>/metrics</c> of every service.</summary>
    public const string PrometheusNamespace = "prometheus";

    /// <summary>The routes of health-api the outside world may reach through the ingress, as Cilium's method and path regexes.</summary>
    private static readonly (string Method, string Path)[] s_publicRoutes =
    [
        ("POST", "/calculator"), ("GET", "/healthcheck"), ("GET", "/version"), ("GET", "/openapi/.*"), ("GET", "/scalar.*"),
    ];

    public static IReadOnlyList<CiliumNetworkPolicy> For(IReadOnlyList<ServiceSpec> services, KubernetesManifestOptions options)
    {
        var otlp = OtlpDestination.Of(options);
        var policies = new List<CiliumNetworkPolicy>
        {
            Policy("default-deny-ingress", "Denies all ingress to the namespace; the policies beside it allow each flow.",
                new V1LabelSelector(), ingress: [new CiliumRule()]),
        };

        foreach (var caller in services)
        {
            foreach (var callee in caller.References.Select(name => services.Single(s => s.Name == name)))
            {
                policies.Add(GrpcAllow(caller, callee));
            }

            policies.Add(Policy($"{caller.Name}-egress",
                $"{caller.Name} may resolve names, export telemetry and call the services it references.",
                App(caller.Name),
                egress: [DnsEgress(), OtlpEgress(otlp), .. caller.References.Select(callee => new CiliumRule
                {
                    ToEndpoints = [App(callee)],
                    ToPorts = [PortRule(services.Single(s => s.Name == callee).Grpc!.Port)],
                })]));

            if (caller.IsExternal)
            {
                policies.Add(Policy($"{caller.Name}-from-ingress",
                    $"The Cilium ingress may reach the public routes of {caller.Name}.",
                    App(caller.Name),
                    ingress:
                    [
                        new CiliumRule
                        {
                            FromEntities = ["ingress"],
                            ToPorts = [PortRule(caller.Http.Port, new CiliumL7Rules
                            {
                                Http = [.. s_publicRoutes.Select(route => new CiliumHttpRule { Method = route.Method, Path = route.Path })],
                            })],
                        },
                    ]));
            }
        }

        policies.Add(Policy("metrics-from-prometheus",
            $"Prometheus, in namespace {PrometheusNamespace}, may scrape /metrics on every service.",
            PartOfTheApplication(),
            ingress:
            [
                new CiliumRule
                {
                    FromEndpoints = [InNamespace(PrometheusNamespace)],
                    ToPorts = [.. services.Select(s => s.Http.Port).Distinct().Order().Select(port =>
                        PortRule(port, new CiliumL7Rules { Http = [new() { Method = "GET", Path = "/metrics" }] }))],
                },
            ]));

        if (OtlpIngress(otlp) is { } otlpIngress)
        {
            policies.Add(otlpIngress);
        }

        return policies;
    }

    /// <summary>The caller may send exactly the callee's gRPC methods to its gRPC port.</summary>
    private static CiliumNetworkPolicy GrpcAllow(ServiceSpec caller, ServiceSpec callee)
    {
        var paths = GrpcServiceNames.MethodPaths(callee.Name);
        return Policy($"{callee.Name}-from-{caller.Name}",
            $"{caller.Name} may call {string.Join(", ", paths)} on {callee.Name}, and nothing else.",
            App(callee.Name),
            ingress:
            [
                new CiliumRule
                {
                    FromEndpoints = [App(caller.Name)],
                    ToPorts = [PortRule(callee.Grpc!.Port, new CiliumL7Rules { Http = [.. paths.Select(path => new CiliumHttpRule { Method = "POST", Path = path })] })],
                },
            ]);
    }

    private static CiliumRule DnsEgress() => new()
    {
        ToEndpoints = [new V1LabelSelector { MatchLabels = Labels((PodNamespaceLabel, "kube-system"), ("k8s-app", "kube-dns")) }],
        ToPorts =
        [
            new CiliumPortRule
            {
                Ports = [new CiliumPort { Port = "53", Protocol = "ANY" }],
                // Sends DNS through Cilium's proxy, which is what lets toFQDNs rules and Hubble see names.
                Rules = new CiliumL7Rules { Dns = [new CiliumDnsRule { MatchPattern = "*" }] },
            },
        ],
    };

    /// <summary>The services' egress to the OTLP endpoint (see <see cref="OtlpDestination"/> for the rule).</summary>
    private static CiliumRule OtlpEgress(OtlpDestination otlp) => otlp switch
    {
        OtlpDestination.Dashboard => new() { ToEndpoints = [App(AspireDashboardManifests.Name)], ToPorts = [PortRule(otlp.Port)] },
        // An empty selector in a namespaced policy selects every pod of the policy's own namespace, whatever it becomes.
        OtlpDestination.ClusterService { Namespace: null } => new() { ToEndpoints = [new V1LabelSelector()], ToPorts = [PortRule(otlp.Port)] },
        OtlpDestination.ClusterService service => new() { ToEndpoints = [InNamespace(service.Namespace!)], ToPorts = [PortRule(otlp.Port)] },
        OtlpDestination.ExternalHost host => new() { ToFqdns = [new CiliumFqdn { MatchName = host.Name }], ToPorts = [PortRule(otlp.Port)] },
        _ => throw new ArgumentOutOfRangeException(nameof(otlp), otlp, "Unknown OTLP destination."),
    };

    /// <summary>
    /// The receiving side, where it is in this namespace (and so behind default-deny): the dashboard, or whatever pod
    /// serves the OTLP port of a Service named bare. A collector in another namespace is that namespace's to admit.
    /// </summary>
    private static CiliumNetworkPolicy? OtlpIngress(OtlpDestination otlp) => otlp switch
    {
        OtlpDestination.Dashboard => Policy($"{AspireDashboardManifests.Name}-otlp",
            "The services may export OTLP to the Aspire dashboard; its UI is reached through kubectl port-forward.",
            App(AspireDashboardManifests.Name),
            ingress: [new CiliumRule { FromEndpoints = [PartOfTheApplication()], ToPorts = [PortRule(otlp.Port)] }]),
        OtlpDestination.ClusterService { Namespace: null } => Policy("otlp-from-services",
            $"The services may export OTLP to the collector of this namespace, on port {Invariant(otlp.Port)} of any pod.",
            new V1LabelSelector(),
            ingress: [new CiliumRule { FromEndpoints = [PartOfTheApplication()], ToPorts = [PortRule(otlp.Port)] }]),
        _ => null,
    };

    private static CiliumNetworkPolicy Policy(
        string name, string description, V1LabelSelector selector, IList<CiliumRule>? ingress = null, IList<CiliumRule>? egress = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = Labels((PartOfLabel, PartOf)) },
        Spec = new CiliumPolicySpec { Description = description, EndpointSelector = selector, Ingress = ingress, Egress = egress },
    };

    private static CiliumPortRule PortRule(int port, CiliumL7Rules? rules = null) => new()
    {
        Ports = [new CiliumPort { Port = Invariant(port), Protocol = "TCP" }],
        Rules = rules,
    };
}
