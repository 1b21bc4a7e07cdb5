using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using YamlDotNet.Core;

namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>
/// Turns the Prometheus rule files (<see cref="PrometheusRuleFiles"/>) into PrometheusRule objects, one per file, which
/// kube-prometheus-stack's Prometheus loads (its values select every PrometheusRule of every namespace).
/// </summary>
public static partial class PrometheusRules
{
    public const string FolderName = "prometheus-rules";

    /// <summary>The app namespace as the rule files select it (the default of <see cref="KubernetesManifestOptions.Namespace"/>).</summary>
    public const string WrittenForNamespace = "nutrition";

    /// <summary>
    /// One PrometheusRule per rule file, named after the file; a file that is not a rule file in the model's shape
    /// throws, naming it. Label matchers on the app namespace (<c>namespace="nutrition"</c>,
    /// <c>destination_namespace="nutrition"</c>, …) select <paramref name="appNamespace"/> instead.
    /// </summary>
    public static IEnumerable<(string File, object Object)> Objects(
        IReadOnlyDictionary<string, string> ruleFiles, string appNamespace, IDictionary<string, string> labels) =>
        ruleFiles.OrderBy(file => file.Key, StringComparer.Ordinal).Select(file =>
        {
            var name = Path.GetFileNameWithoutExtension(file.Key);
            return ($"{name}.yaml", (object)new PrometheusRule
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string>(labels) },
                Spec = Parse(file.Key, NamespaceMatcher().Replace(file.Value, match => $"{match.Groups["label"].Value}=\"{appNamespace}\"")),
            });
        });

    private static PrometheusRuleSpec Parse(string fileName, string content)
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

    [GeneratedRegex($$"""(?<label>\b[a-z_]*namespace)="{{WrittenForNamespace}}"(?=[,}\s])""")]
    private static partial Regex NamespaceMatcher();
}
