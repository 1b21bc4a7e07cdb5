using k8s;
using k8s.Models;
using NutritionAspire.Hosting.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Manifests.Tests;

/// <summary>The committed <c>manifests/kubernetes</c> tree, and ways to load rendered manifests.</summary>
public static class ManifestFiles
{
    /// <summary>The custom resources the manifests use, mapped to their typed models.</summary>
    public static readonly Dictionary<string, Type> CustomTypes = new()
    {
        [$"{CiliumNetworkPolicy.ApiGroupVersion}/CiliumNetworkPolicy"] = typeof(CiliumNetworkPolicy),
        [$"{ServiceMonitor.ApiGroupVersion}/ServiceMonitor"] = typeof(ServiceMonitor),
        [$"{PrometheusRule.ApiGroupVersion}/PrometheusRule"] = typeof(PrometheusRule),
    };

    public static IReadOnlyDictionary<string, string> Tree { get; } = Repository.ReadTree(Repository.KubernetesManifests);

    /// <summary>Every object file of the committed tree (kustomizations aside) with its one document.</summary>
    public static IEnumerable<(string File, YamlMappingNode Document)> Documents() =>
        Tree.Where(file => !file.Key.EndsWith("kustomization.yaml", StringComparison.Ordinal))
            .Select(file => (file.Key, YamlDocuments.LoadOne(file.Value)));

    public static IEnumerable<YamlMappingNode> OfKind(string kind) => Documents().Select(d => d.Document).Where(d => d.Kind() == kind);

    public static YamlMappingNode Named(string kind, string name) => Assert.Single(OfKind(kind), d => d.Name() == name);

    /// <summary>Every object of the committed tree in its typed model, loaded strictly (an unknown field fails).</summary>
    public static IEnumerable<T> OfType<T>() => Tree.Where(file => !file.Key.EndsWith("kustomization.yaml", StringComparison.Ordinal))
        .SelectMany(file => KubernetesYaml.LoadAllFromString(file.Value, CustomTypes, strict: true)).OfType<T>();

    /// <summary>The objects of rendered YAML (several documents), loaded strictly into their typed models.</summary>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> LoadStrictly(string yaml) =>
        [.. KubernetesYaml.LoadAllFromString(yaml, CustomTypes, strict: true).Cast<IKubernetesObject<V1ObjectMeta>>()];
}
