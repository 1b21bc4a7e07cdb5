using k8s;
using NutritionAspire.AppHost;
using NutritionAspire.AppHost.Kubernetes;
using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>The PrometheusRules of <c>manifests/kubernetes</c> are the rule files the local Prometheus loads.</summary>
public sealed class PrometheusRuleTests
{
    private static string AppHostDirectory => Path.Combine(RepositoryPaths.Root, "AppHost");

    [Fact]
    public void EveryRuleFileShipsAsOnePrometheusRuleWithTheSameGroups()
    {
        var ruleFiles = PrometheusRuleFiles.Read(AppHostDirectory);
        var shipped = ManifestFiles.OfType<PrometheusRule>().ToList();

        Assert.Equal(ruleFiles.Keys.Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal),
            shipped.Select(rule => rule.Metadata.Name).Order(StringComparer.Ordinal));
        foreach (var (file, content) in ruleFiles)
        {
            var rule = shipped.Single(r => r.Metadata.Name == Path.GetFileNameWithoutExtension(file));
            Assert.Equal(KubernetesYaml.Serialize(KubernetesYaml.Deserialize<PrometheusRuleSpec>(content, strict: true)), KubernetesYaml.Serialize(rule.Spec));
            Assert.Equal(KubernetesObjects.PartOf, rule.Metadata.Labels["app.kubernetes.io/part-of"]);
        }
    }

    [Fact]
    public void TheClusterAlertsSelectTheNamespaceTheManifestsAreGeneratedFor()
    {
        var ruleFiles = PrometheusRuleFiles.Read(AppHostDirectory);
        Assert.Equal(PrometheusRules.WrittenForNamespace, new KubernetesManifestOptions().Namespace);
        Assert.Contains("namespace=\"nutrition\"", ruleFiles["cluster-signals.yml"], StringComparison.Ordinal);

        var rules = PrometheusRules.Objects(ruleFiles, "shop", new Dictionary<string, string>()).Select(o => (PrometheusRule)o.Object).ToList();

        var expressions = rules.SelectMany(rule => rule.Spec.Groups).SelectMany(group => group.Rules).Select(rule => rule.Expr).ToList();
        Assert.Contains(expressions, expr => expr.Contains("{namespace=\"shop\"}", StringComparison.Ordinal));
        Assert.Contains(expressions, expr => expr.Contains("destination_namespace=\"shop\"", StringComparison.Ordinal));
        Assert.Contains(expressions, expr => expr.Contains("source_namespace=\"shop\"", StringComparison.Ordinal));
        Assert.DoesNotContain(expressions, expr => expr.Contains("\"nutrition\"", StringComparison.Ordinal));
        // Only namespace matchers change: the calculator SLO still selects its route.
        Assert.Contains(expressions, expr => expr.Contains("http_route=\"/calculator\"", StringComparison.Ordinal));
    }

    [Fact]
    public void ARuleFileThatIsNotARuleFileFailsNamingIt()
    {
        var broken = new Dictionary<string, string> { ["broken.yml"] = "groups:\n  - name: g\n    rules:\n      - record: a:b:c\n        exprs: vector(1)\n" };

        var failure = Assert.Throws<InvalidOperationException>(() => PrometheusRules.Objects(broken, "nutrition", new Dictionary<string, string>()).ToList());

        Assert.Contains("broken.yml", failure.Message, StringComparison.Ordinal);
    }
}
