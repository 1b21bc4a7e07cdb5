using System.Text.Json;
using System.Text.RegularExpressions;
using NutritionAspire.Tests;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Alerts.Tests;

/// <summary>
/// The Loki ruler of <c>manifests/eks/values/loki.yaml</c>. What is checked: the rule file has the shape of a
/// Prometheus rule file (Loki's ruler reads that format), by promtool with each LogQL expression replaced by a PromQL
/// placeholder; each expression is LogQL by Grafana's LogQL grammar (the parser of Grafana's query editor: syntax
/// only, not Loki's own validation of label names or limits); and the values wire the ruler to the rules and to the
/// stack's Alertmanager. No Loki runs here.
/// </summary>
public sealed partial class LokiRulerTests
{
    private static readonly string[] s_brokenAndLogOnly = ["sum(count_over_time({a=\"b\"} | json [5m]) >", "{a=\"b\"} |= \"x\""];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryLokiRuleFileHasThePrometheusRuleFileShape()
    {
        Tools.SkipUnlessInstalled(Tools.Promtool, "prometheus");
        var files = LokiRules.RuleFiles();
        Assert.NotEmpty(files);

        foreach (var (name, text, _) in files)
        {
            var placeholder = Path.Combine(Path.GetTempPath(), $"nutrition-loki-{Guid.NewGuid():N}-{name}");
            try
            {
                await File.WriteAllTextAsync(placeholder, ExpressionLine().Replace(text, "${indent}expr: vector(1)\n"), Cancellation);

                var check = await Tools.RunAsync(Tools.Promtool, ["check", "rules", placeholder], Cancellation);

                Assert.True(check.ExitCode == 0, $"{name}: {check.Output}{check.Error}");
            }
            finally
            {
                File.Delete(placeholder);
            }
        }
    }

    [Fact]
    public async Task EveryLokiExpressionParsesAsALogQLMetricQuery()
    {
        Tools.SkipUnlessLogqlParserInstalled();
        var expressions = LokiRules.RuleFiles().SelectMany(file => AlertingFiles.Rules(file.Content))
            .Select(rule => AlertingFiles.Scalar(rule, "expr")!).ToList();
        Assert.NotEmpty(expressions);
        var input = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(expressions), Cancellation);

            var parse = await Tools.ParseLogqlAsync(input, Cancellation);

            Assert.True(parse.ExitCode == 0, parse.Error);
            using var results = JsonDocument.Parse(parse.Output);
            Assert.Equal(expressions.Count, results.RootElement.GetArrayLength());
            Assert.All(results.RootElement.EnumerateArray(), result =>
            {
                var expression = result.GetProperty("expression").GetString();
                Assert.True(result.GetProperty("errors").GetArrayLength() == 0, $"LogQL syntax error in: {expression}");
                Assert.True(result.GetProperty("kind").GetString() == "MetricExpr", $"An alert needs a metric query, not a log query: {expression}");
            });
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public async Task TheLogqlCheckRejectsABrokenAndALogOnlyExpression()
    {
        Tools.SkipUnlessLogqlParserInstalled();
        var input = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(s_brokenAndLogOnly), Cancellation);

            var parse = await Tools.ParseLogqlAsync(input, Cancellation);

            using var results = JsonDocument.Parse(parse.Output);
            var (broken, logOnly) = (results.RootElement[0], results.RootElement[1]);
            Assert.NotEqual(0, broken.GetProperty("errors").GetArrayLength());
            Assert.Equal(0, logOnly.GetProperty("errors").GetArrayLength());
            Assert.Equal("LogExpr", logOnly.GetProperty("kind").GetString());
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public void TheRulerReadsTheSidecarsRulesAndNotifiesTheStacksAlertmanager()
    {
        var values = LokiRules.Values;

        // In SingleBinary mode the chart mounts no ruler.directories; its sidecar collects loki_rule ConfigMaps, and a
        // local rule store reads <directory>/<tenant>/, the tenant being "fake" while auth is disabled.
        Assert.Equal("SingleBinary", AlertingFiles.Scalar(values, "deploymentMode"));
        Assert.Equal("false", AlertingFiles.Scalar(values, "loki.auth_enabled"));
        Assert.Equal("local", AlertingFiles.Scalar(values, "loki.rulerConfig.storage.type"));
        Assert.Equal($"{AlertingFiles.Scalar(values, "loki.rulerConfig.storage.local.directory")}/fake", AlertingFiles.Scalar(values, "sidecar.rules.folder"));
        Assert.NotEmpty(LokiRules.ConfigMaps());

        // kube-prometheus-stack's Alertmanager Service is <release>-alertmanager in the release's namespace.
        var helm = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "manifests", "eks", "helm.tf"));
        var stack = StackRelease().Match(helm);
        Assert.True(stack.Success, "helm.tf has no kube_prometheus_stack release with a name and a namespace.");
        Assert.Equal($"http://{stack.Groups["name"].Value}-alertmanager.{stack.Groups["namespace"].Value}.svc.cluster.local:9093",
            AlertingFiles.Scalar(values, "loki.rulerConfig.alertmanager_url"));
    }

    /// <summary>The chart renders extraObjects through Helm's tpl, which would eat Prometheus-style templates.</summary>
    [Fact]
    public void TheRuleConfigMapsHoldNoHelmTemplates()
    {
        Assert.All(LokiRules.RuleFiles(), file => Assert.DoesNotContain("{{", file.Text, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^(?<indent>\s*)expr:\s*(\|[^\n]*\n(?:\k<indent>\s+[^\n]*\n)+|[^\n]*\n)", RegexOptions.Multiline)]
    private static partial Regex ExpressionLine();

    [GeneratedRegex("""resource "helm_release" "kube_prometheus_stack" \{[^}]*?name\s*=\s*"(?<name>[^"]+)"[^}]*?namespace\s*=\s*"(?<namespace>[^"]+)"[^}]*\}""")]
    private static partial Regex StackRelease();
}
