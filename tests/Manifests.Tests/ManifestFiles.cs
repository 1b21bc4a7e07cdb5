using k8s;
using k8s.Models;
using NutritionAspire.AppHost.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>The objects of the committed <c>manifests/kubernetes</c> tree, as KubernetesClient's typed models.</summary>
public static class ManifestFiles
{
    /// <summary>The custom resources the tree uses, mapped to their typed models.</summary>
    public static readonly Dictionary<string, Type> CustomTypes = new()
    {
        [$"{CiliumNetworkPolicy.ApiGroupVersion}/CiliumNetworkPolicy"] = typeof(CiliumNetworkPolicy),
        [$"{ServiceMonitor.ApiGroupVersion}/ServiceMonitor"] = typeof(ServiceMonitor),
        [$"{PrometheusRule.ApiGroupVersion}/PrometheusRule"] = typeof(PrometheusRule),
    };

    public static IReadOnlyDictionary<string, string> Tree { get; } = Repository.ReadTree(Repository.KubernetesManifests);

    /// <summary>Every object file (kustomizations aside) with its one object, loaded strictly into its typed model.</summary>
    public static IEnumerable<(string File, IKubernetesObject<V1ObjectMeta> Object)> Objects() =>
        Tree.Where(file => !file.Key.EndsWith("kustomization.yaml", StringComparison.Ordinal))
            .Select(file => (file.Key, (IKubernetesObject<V1ObjectMeta>)Assert.Single(KubernetesYaml.LoadAllFromString(file.Value, CustomTypes, strict: true))));

    public static IEnumerable<T> OfType<T>() => Objects().Select(o => o.Object).OfType<T>();
}
