using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using k8s;
using NutritionAspire.AppHost;
using NutritionAspire.Hosting.Kubernetes;
using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>The PrometheusRules of <c>manifests/kubernetes</c> are the rule files the local Prometheus loads, unchanged.</summary>
public sealed partial class PrometheusRuleTests
{
    private static string AppHostDirectory => Path.Combine(RepositoryPaths.Root, "AppHost");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

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
            Assert.Equal("nutrition-aspire", rule.Metadata.Labels["app.kubernetes.io/part-of"]);
        }
    }

    /// <summary>The rules select the app by its namespace; the AppHost declares that namespace, and publishes to it.</summary>
    [Fact]
    public async Task TheRulesSelectTheNamespaceTheAppHostDeclaresAndPublishesTo()
    {
        using var output = new TemporaryDirectory();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NutritionAspire_AppHost>(Publishing.StepArguments(output.Path), Cancellation);
        var environment = Assert.Single(builder.Resources.OfType<KubernetesEnvironmentResource>());
        var declared = Assert.Single(environment.Annotations.OfType<PrometheusRulesAnnotation>());

        var selected = PrometheusRuleFiles.Read(AppHostDirectory).Values
            .SelectMany(content => NamespaceMatcher().Matches(content).Select(match => match.Groups["namespace"].Value))
            .Distinct()
            .ToList();

        Assert.Equal([declared.SelectedNamespace], selected);
        Assert.Equal(declared.SelectedNamespace, environment.Parameter(KubernetesSetting.Namespace).Default!.GetDefaultValue());
    }

    [Fact]
    public void ARuleFileThatIsNotARuleFileFailsNamingIt()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            PrometheusRules.Parse("broken.yml", "groups:\n  - name: g\n    rules:\n      - record: a:b:c\n        exprs: vector(1)\n"));

        Assert.Contains("broken.yml", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A label matcher on a namespace label in PromQL: <c>namespace="x"</c>, <c>destination_namespace="x"</c>.</summary>
    [GeneratedRegex("""\b[a-z_]*namespace="(?<namespace>[^"]*)""")]
    private static partial Regex NamespaceMatcher();
}
