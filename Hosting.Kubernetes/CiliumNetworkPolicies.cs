using System.Text.RegularExpressions;
using k8s.Models;
using static NutritionAspire.Hosting.Kubernetes.KubernetesObjects;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// The CiliumNetworkPolicies of the namespace: default-deny ingress; for every resource that addresses an endpoint of
/// another, an allow of exactly those ports from exactly that caller, L7 where the callee declares its protocol's
/// requests (gRPC methods, HTTP routes) and L4 otherwise; each resource's egress (DNS, OTLP if it exports telemetry,
/// the endpoints it addresses); the ingress to the external endpoint; Prometheus to what it scrapes; and OTLP to the
/// in-namespace receiver.
/// </summary>
public static class CiliumNetworkPolicies
{
    public static IReadOnlyList<CiliumNetworkPolicy> For(IReadOnlyList<WorkloadSpec> workloads, KubernetesSettings settings)
    {
        var otlp = OtlpDestination.Of(settings);
        var byName = workloads.ToDictionary(workload => workload.Name, StringComparer.Ordinal);
        var policies = new List<CiliumNetworkPolicy>
        {
            Policy("default-deny-ingress", "Denies all ingress to the namespace; the policies beside it allow each flow.",
                new V1LabelSelector(), settings, ingress: [new CiliumRule()]),
        };

        foreach (var caller in workloads)
        {
            var callees = caller.Uses.GroupBy(use => use.Callee, StringComparer.Ordinal)
                .Select(group => (Callee: byName[group.Key], Ports: group.Select(use => byName[group.Key].Port(use.Endpoint)).ToList()))
                .ToList();
            foreach (var (callee, ports) in callees)
            {
                policies.Add(Policy($"{callee.Name}-from-{caller.Name}",
                    $"{caller.Name} may call {string.Join("; ", ports.Select(Describe))} on {callee.Name}, and nothing else.",
                    App(callee.Name), settings,
                    ingress: [new CiliumRule { FromEndpoints = [App(caller.Name)], ToPorts = [.. ports.Select(port => PortRule(port, port.CallerRules))] }]));
            }

            policies.Add(Policy($"{caller.Name}-egress",
                caller.ExportsTelemetry
                    ? $"{caller.Name} may resolve names, export telemetry and call the services it references."
                    : $"{caller.Name} may resolve names and call the services it references.",
                App(caller.Name), settings,
                egress: [DnsEgress(), .. caller.ExportsTelemetry ? [OtlpEgress(otlp)] : Array.Empty<CiliumRule>(), .. callees.Select(callee => new CiliumRule
                {
                    ToEndpoints = [App(callee.Callee.Name)],
                    ToPorts = [.. callee.Ports.Select(port => PortRule(port))],
                })]));

            if (caller.Ports.SingleOrDefault(port => port.IsExternal) is { } external)
            {
                policies.Add(Policy($"{caller.Name}-from-ingress",
                    external.PublicRules is null
                        ? $"The Cilium ingress may reach port {Invariant(external.TargetPort)} of {caller.Name}."
                        : $"The Cilium ingress may reach the public routes of {caller.Name}.",
                    App(caller.Name), settings,
                    ingress: [new CiliumRule { FromEntities = ["ingress"], ToPorts = [PortRule(external, external.PublicRules)] }]));
            }

            if (caller.Scrape is { } scrape)
            {
                policies.Add(Policy($"{caller.Name}-from-prometheus",
                    $"Prometheus, in namespace {settings.PrometheusNamespace}, may scrape {scrape.Path} on {caller.Name}.",
                    App(caller.Name), settings,
                    ingress:
                    [
                        new CiliumRule
                        {
                            FromEndpoints = [InNamespace(settings.PrometheusNamespace)],
                            ToPorts = [PortRule(caller.Port(scrape.PortName), [new CiliumHttpRule { Method = "GET", Path = HttpRoute.EscapeRegex(scrape.Path) }])],
                        },
                    ]));
            }
        }

        var exporters = workloads.Where(workload => workload.ExportsTelemetry).Select(workload => workload.Name).ToList();
        if (exporters.Count > 0 && OtlpIngress(otlp, AnyApp(exporters), settings) is { } otlpIngress)
        {
            policies.Add(otlpIngress);
        }

        return policies;
    }

    /// <summary>What a caller may send to a port, in words: the gRPC methods, the HTTP routes, or the port.</summary>
    private static string Describe(PortSpec port) => port.CallerRules switch
    {
        null => $"port {Invariant(port.TargetPort)}",
        var rules when port.AppProtocol == "kubernetes.io/h2c" => string.Join(", ", rules.Select(rule => Regex.Unescape(rule.Path))),
        var rules => string.Join(", ", rules.Select(rule => $"{rule.Method} {rule.Path}")),
    };

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

    /// <summary>The egress to the OTLP endpoint (see <see cref="OtlpDestination"/> for the rule).</summary>
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
    private static CiliumNetworkPolicy? OtlpIngress(OtlpDestination otlp, V1LabelSelector exporters, KubernetesSettings settings) => otlp switch
    {
        OtlpDestination.Dashboard => Policy($"{AspireDashboardManifests.Name}-otlp",
            "The services may export OTLP to the Aspire dashboard; its UI is reached through kubectl port-forward.",
            App(AspireDashboardManifests.Name), settings,
            ingress: [new CiliumRule { FromEndpoints = [exporters], ToPorts = [PortRule(otlp.Port)] }]),
        OtlpDestination.ClusterService { Namespace: null } => Policy("otlp-from-services",
            $"The services may export OTLP to the collector of this namespace, on port {Invariant(otlp.Port)} of any pod.",
            new V1LabelSelector(), settings,
            ingress: [new CiliumRule { FromEndpoints = [exporters], ToPorts = [PortRule(otlp.Port)] }]),
        _ => null,
    };

    private static CiliumNetworkPolicy Policy(
        string name, string description, V1LabelSelector selector, KubernetesSettings settings,
        IList<CiliumRule>? ingress = null, IList<CiliumRule>? egress = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = Labels((PartOfLabel, settings.Application)) },
        Spec = new CiliumPolicySpec { Description = description, EndpointSelector = selector, Ingress = ingress, Egress = egress },
    };

    private static CiliumPortRule PortRule(int port) => new()
    {
        Ports = [new CiliumPort { Port = Invariant(port), Protocol = "TCP" }],
    };

    /// <summary>A pod's port (the one behind the Service: policies apply after the Service's translation), with its L7 rules if any.</summary>
    private static CiliumPortRule PortRule(PortSpec port, IReadOnlyList<CiliumHttpRule>? rules = null) => new()
    {
        Ports = [new CiliumPort { Port = Invariant(port.TargetPort), Protocol = port.Protocol }],
        Rules = rules is null ? null : new CiliumL7Rules { Http = [.. rules] },
    };
}
