using k8s.Models;
using static NutritionAspire.AppHost.Kubernetes.KubernetesObjects;

namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>
/// Turns the services of the AppHost model into a kustomize base for a Cilium cluster: a folder per service
/// (<see cref="ServiceWorkloads"/>), the Aspire dashboard (<see cref="AspireDashboardManifests"/>), the Grafana
/// dashboards (<see cref="GrafanaDashboards"/>), the alerting rules (<see cref="PrometheusRules"/>) and the network
/// policies (<see cref="CiliumNetworkPolicies"/>).
/// The output is a map of relative path to YAML, identical for identical input.
/// </summary>
public static class KubernetesManifestGenerator
{
    /// <param name="services">The services of the model.</param>
    /// <param name="options">Namespace, images, ingress host and OTLP endpoint.</param>
    /// <param name="dashboards">Grafana dashboards by file name (<c>name.json</c>).</param>
    /// <param name="ruleFiles">Prometheus rule files by file name, shipped as PrometheusRules.</param>
    public static IReadOnlyDictionary<string, string> Generate(
        IReadOnlyList<ServiceSpec> services, KubernetesManifestOptions options, IReadOnlyDictionary<string, string> dashboards,
        IReadOnlyDictionary<string, string> ruleFiles)
    {
        options.Validate();
        var tree = new KustomizeTree();
        tree.Add("namespace.yaml", new V1Namespace
        {
            ApiVersion = "v1",
            Kind = "Namespace",
            Metadata = new V1ObjectMeta { Name = options.Namespace, Labels = Labels((PartOfLabel, PartOf)) },
        });

        foreach (var service in services)
        {
            tree.AddFolder(service.Name, ServiceWorkloads.For(service, services, options));
        }

        tree.AddFolder(AspireDashboardManifests.Name, AspireDashboardManifests.For(options));
        tree.AddFolder(GrafanaDashboards.Folder, GrafanaDashboards.For(dashboards));
        tree.AddFolder(PrometheusRules.FolderName, PrometheusRules.Objects(ruleFiles, options.Namespace, Labels((PartOfLabel, PartOf))));
        tree.AddFolder("network-policies", CiliumNetworkPolicies.For(services, options).Select(policy => ($"{policy.Metadata.Name}.yaml", (object)policy)));
        return tree.Build(options.Namespace);
    }
}
