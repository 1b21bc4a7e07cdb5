using k8s;
using k8s.Models;
using YamlDotNet.Core;
using static NutritionAspire.Hosting.Kubernetes.KubernetesObjects;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// Turns Prometheus rule files into PrometheusRule objects, one per file, which kube-prometheus-stack's Prometheus
/// loads (its values select every PrometheusRule of every namespace).
/// </summary>
public static class PrometheusRules
{
    public const string FolderName = "prometheus-rules";

    /// <summary>
    /// One PrometheusRule per rule file (<c>*.yml</c>) of the declared folder, relative to
    /// <paramref name="appHostDirectory"/>, named after the file. A file that is not a rule file throws, naming it; so does
    /// a namespace other than the one the rules select, since they would select nothing there.
    /// </summary>
    public static IEnumerable<(string File, object Object)> For(PrometheusRulesAnnotation declared, string appHostDirectory, KubernetesSettings settings)
    {
        if (declared.SelectedNamespace != settings.Namespace)
        {
            throw new InvalidOperationException(
                $"The Prometheus rules of {declared.Folder} select namespace '{declared.SelectedNamespace}' (WithPrometheusRules), and parameter " +
                $"{KubernetesSetting.Namespace.ParameterName} is '{settings.Namespace}': publish to '{declared.SelectedNamespace}', or write the rules for " +
                $"'{settings.Namespace}' and declare it.");
        }

        return Directory.EnumerateFiles(Path.Combine(appHostDirectory, declared.Folder), "*.yml").Order(StringComparer.Ordinal).Select(path =>
        {
            var name = Path.GetFileNameWithoutExtension(path);
            return ($"{name}.yaml", (object)new PrometheusRule
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = Labels((PartOfLabel, settings.Application)) },
                Spec = Parse(Path.GetFileName(path), File.ReadAllText(path)),
            });
        });
    }

    /// <summary>The groups of a rule file; one that is not a rule file in the model's shape throws, naming it.</summary>
    public static PrometheusRuleSpec Parse(string fileName, string content)
    {
        PrometheusRuleSpec spec;
        try
        {
            spec = KubernetesYaml.Deserialize<PrometheusRuleSpec>(content, strict: true);
        }
        catch (YamlException exception)
        {
            throw new InvalidOperationException($"Prometheus rule file '{fileName}' does not fit a PrometheusRule: {exception.Message}", exception);
        }

        if (spec.Groups.Count == 0 || spec.Groups.Any(group => group.Rules.Count == 0 || group.Rules.Any(rule => (rule.Record is null) == (rule.Alert is null))))
        {
            throw new InvalidOperationException(
                $"Prometheus rule file '{fileName}' needs groups of rules, each with either 'record' or 'alert'.");
        }

        return spec;
    }
}
