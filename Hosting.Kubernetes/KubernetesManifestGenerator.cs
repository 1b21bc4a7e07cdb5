using k8s.Models;
using static NutritionAspire.Hosting.Kubernetes.KubernetesObjects;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// Turns the resources of the model into a kustomize base for a Cilium cluster: a folder per resource
/// (<see cref="WorkloadObjects"/>), the Aspire dashboard (<see cref="AspireDashboardManifests"/>), the environment's
/// Grafana dashboards and Prometheus rules, and the network policies (<see cref="CiliumNetworkPolicies"/>).
/// The output is a map of relative path to YAML, identical for identical input.
/// </summary>
public static class KubernetesManifestGenerator
{
    public const string NetworkPoliciesFolder = "network-policies";

    /// <param name="workloads">The compute resources of the model (<see cref="ModelReader"/>).</param>
    /// <param name="settings">The environment's cluster settings.</param>
    /// <param name="environment">The environment, with the dashboards and rules it ships.</param>
    /// <param name="appHostDirectory">The folder the environment's dashboard and rule folders are relative to.</param>
    public static IReadOnlyDictionary<string, string> Generate(
        IReadOnlyList<WorkloadSpec> workloads, KubernetesSettings settings, KubernetesEnvironmentResource environment, string appHostDirectory)
    {
        settings.Validate();
        string[] reserved = [AspireDashboardManifests.Name, GrafanaDashboards.Folder, PrometheusRules.FolderName, NetworkPoliciesFolder];
        if (workloads.FirstOrDefault(workload => reserved.Contains(workload.Name, StringComparer.Ordinal)) is { } clash)
        {
            throw Unmappable.Setting(clash.Name, "its name", "the publisher writes a folder of that name of its own");
        }

        var tree = new KustomizeTree();
        tree.Add("namespace.yaml", new V1Namespace
        {
            ApiVersion = "v1",
            Kind = "Namespace",
            Metadata = new V1ObjectMeta { Name = settings.Namespace, Labels = Labels((PartOfLabel, settings.Application)) },
        });

        foreach (var workload in workloads)
        {
            tree.AddFolder(workload.Name, WorkloadObjects.Files(WorkloadObjects.For(workload, settings)));
        }

        tree.AddFolder(AspireDashboardManifests.Name, AspireDashboardManifests.For(settings));
        if (environment.Annotations.OfType<GrafanaDashboardsAnnotation>().ToList() is { Count: > 0 } dashboards)
        {
            tree.AddFolder(GrafanaDashboards.Folder, dashboards.SelectMany(declared => GrafanaDashboards.For(declared, appHostDirectory, settings)));
        }

        if (environment.Annotations.OfType<PrometheusRulesAnnotation>().ToList() is { Count: > 0 } rules)
        {
            tree.AddFolder(PrometheusRules.FolderName, rules.SelectMany(declared => PrometheusRules.For(declared, appHostDirectory, settings)));
        }

        tree.AddFolder(NetworkPoliciesFolder, CiliumNetworkPolicies.For(workloads, settings).Select(policy => ($"{policy.Metadata.Name}.yaml", (object)policy)));
        return tree.Build(settings.Namespace);
    }
}
