using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Alerts.Tests;

/// <summary>
/// The Alertmanager routing of <c>manifests/eks/values/kube-prometheus-stack.yaml</c>, checked and exercised by
/// Alertmanager's own amtool. The chart merges these keys over its defaults (global, inhibit rules, templates), which
/// do not take part in routing.
/// </summary>
public sealed class AlertmanagerRoutingTests : IDisposable
{
    private readonly string _configuration = Path.Combine(Path.GetTempPath(), $"nutrition-alertmanager-{Guid.NewGuid():N}.yml");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public AlertmanagerRoutingTests()
    {
        var values = AlertingFiles.Load(AlertingFiles.ValuesFile("kube-prometheus-stack.yaml"));
        using var writer = new StreamWriter(_configuration);
        new YamlStream(new YamlDocument((YamlNode)AlertingFiles.Node(values, "alertmanager.config")!)).Save(writer, assignAnchors: false);
    }

    [Fact]
    public async Task AmtoolAcceptsTheConfiguration()
    {
        Tools.SkipUnlessInstalled(Tools.Amtool, "prometheus-alertmanager");

        var check = await Tools.RunAsync(Tools.Amtool, ["check-config", _configuration], Cancellation);

        Assert.True(check.ExitCode == 0, check.Output + check.Error);
        Assert.Contains("SUCCESS", check.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("page", "severity=critical", "alertname=CalculatorAvailabilityFastBurn")]
    [InlineData("ticket", "severity=warning", "alertname=GrpcErrorsSlowBurn")]
    [InlineData("null", "severity=warning", "alertname=Watchdog")]
    [InlineData("null", "severity=info", "alertname=InfoInhibitor")]
    [InlineData("null", "alertname=SomethingWithoutSeverity")]
    public async Task AlertsRouteBySeverity(string receiver, params string[] labels)
    {
        Tools.SkipUnlessInstalled(Tools.Amtool, "prometheus-alertmanager");

        var test = await Tools.RunAsync(Tools.Amtool,
            ["config", "routes", "test", $"--config.file={_configuration}", $"--verify.receivers={receiver}", .. labels], Cancellation);

        Assert.True(test.ExitCode == 0, $"{string.Join(' ', labels)} went to {test.Output.Trim()}, not {receiver}. {test.Error}");
    }

    [Fact]
    public void EverySeverityTheRulesUseHasARouteOfItsOwn()
    {
        var routed = ((YamlSequenceNode)AlertingFiles.Node(AlertingFiles.Load(AlertingFiles.ValuesFile("kube-prometheus-stack.yaml")), "alertmanager.config.route.routes")!)
            .SelectMany(route => (YamlSequenceNode)AlertingFiles.Node(route, "matchers")!).Select(matcher => matcher.ToString().Replace(" ", "", StringComparison.Ordinal))
            .ToHashSet();
        var severities = AlertingFiles.RuleFiles.Select(AlertingFiles.Load).Concat(LokiRules.RuleFiles().Select(file => file.Content))
            .SelectMany(AlertingFiles.Rules).Select(rule => AlertingFiles.Scalar(rule, "labels.severity")).OfType<string>().Distinct();

        Assert.All(severities, severity => Assert.Contains($"severity=\"{severity}\"", routed));
    }

    /// <summary>The PrometheusRules carry no <c>release</c> label, so the stack's Prometheus must select every rule.</summary>
    [Fact]
    public void TheStacksPrometheusSelectsThePrometheusRulesOfEveryNamespace()
    {
        var spec = AlertingFiles.Node(AlertingFiles.Load(AlertingFiles.ValuesFile("kube-prometheus-stack.yaml")), "prometheus.prometheusSpec")!;

        Assert.Equal("false", AlertingFiles.Scalar(spec, "ruleSelectorNilUsesHelmValues"));
        Assert.True(AlertingFiles.Node(spec, "ruleSelector") is null or YamlMappingNode { Children.Count: 0 });
        Assert.True(AlertingFiles.Node(spec, "ruleNamespaceSelector") is null or YamlMappingNode { Children.Count: 0 });
    }

    public void Dispose() => File.Delete(_configuration);
}
