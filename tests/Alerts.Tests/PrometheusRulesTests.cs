using System.Text.RegularExpressions;
using NutritionAspire.Tests;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Alerts.Tests;

/// <summary>
/// The Prometheus rule files (AppHost/Observability/rules), which the local Prometheus loads and the cluster gets as
/// PrometheusRules: promtool accepts them, their unit tests pass, and every alert is tested both ways and has a runbook.
/// </summary>
public sealed partial class PrometheusRulesTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string> RuleFiles => [.. AlertingFiles.RuleFiles.Select(Path.GetFileName).OfType<string>()];

    public static TheoryData<string> PromtoolTests => [.. AlertingFiles.PromtoolTests.Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public async Task PromtoolChecksTheRuleFile(string fileName)
    {
        Tools.SkipUnlessInstalled(Tools.Promtool, "prometheus");

        var check = await Tools.RunAsync(Tools.Promtool, ["check", "rules", Path.Combine(Dashboards.RulesFolder, fileName)], Cancellation);

        Assert.True(check.ExitCode == 0, check.Output + check.Error);
        Assert.Matches(@"SUCCESS: \d+ rules found", check.Output);
    }

    [Theory]
    [MemberData(nameof(PromtoolTests))]
    public async Task ThePromtoolUnitTestsPass(string fileName)
    {
        Tools.SkipUnlessInstalled(Tools.Promtool, "prometheus");

        var test = await Tools.RunAsync(Tools.Promtool, ["test", "rules", AlertingFiles.PromtoolTests.Single(path => Path.GetFileName(path) == fileName)], Cancellation);

        Assert.True(test.ExitCode == 0, test.Output + test.Error);
        Assert.Contains("SUCCESS", test.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRuleFileHasAUnitTestFileAndEveryAlertIsTestedFiringAndSilent()
    {
        var tests = AlertingFiles.PromtoolTests.Select(AlertingFiles.Load).ToList();
        var testedRuleFiles = tests.SelectMany(test => ((YamlSequenceNode)AlertingFiles.Node(test, "rule_files")!).Select(file => Path.GetFileName(file.ToString())));
        Assert.Equal(AlertingFiles.RuleFiles.Select(Path.GetFileName).Order(), testedRuleFiles.Order());

        var cases = tests
            .SelectMany(test => ((YamlSequenceNode)AlertingFiles.Node(test, "tests")!).Cast<YamlMappingNode>())
            .SelectMany(test => AlertingFiles.Node(test, "alert_rule_test") is YamlSequenceNode cases ? cases.Cast<YamlMappingNode>() : [])
            .Select(@case => (Alert: AlertingFiles.Scalar(@case, "alertname"), Fires: ((YamlSequenceNode)AlertingFiles.Node(@case, "exp_alerts")!).Children.Count > 0))
            .ToList();
        Assert.All(AlertingFiles.PrometheusAlerts(), alert =>
        {
            Assert.True(cases.Contains((alert, true)), $"No promtool test shows {alert} firing.");
            Assert.True(cases.Contains((alert, false)), $"No promtool test shows {alert} staying silent.");
        });
    }

    [Fact]
    public void EveryAlertHasASeveritySummaryDescriptionAndARunbookSectionOfItsOwn()
    {
        var runbookSections = RunbookHeading().Matches(File.ReadAllText(AlertingFiles.Runbook)).Select(match => match.Groups["name"].Value).ToHashSet();
        var alerts = AlertingFiles.RuleFiles.Select(AlertingFiles.Load).Concat(LokiRules.RuleFiles().Select(file => file.Content))
            .SelectMany(AlertingFiles.Rules).Where(rule => AlertingFiles.Scalar(rule, "alert") is not null).ToList();

        Assert.NotEmpty(alerts);
        Assert.All(alerts, rule =>
        {
            var name = AlertingFiles.Scalar(rule, "alert")!;
            Assert.Matches("^(critical|warning)$", AlertingFiles.Scalar(rule, "labels.severity"));
            Assert.False(string.IsNullOrWhiteSpace(AlertingFiles.Scalar(rule, "annotations.summary")), name);
            Assert.False(string.IsNullOrWhiteSpace(AlertingFiles.Scalar(rule, "annotations.description")), name);
            Assert.Equal($"docs/runbook.md#{name.ToLowerInvariant()}", AlertingFiles.Scalar(rule, "annotations.runbook_url"));
            Assert.True(runbookSections.Contains(name), $"docs/runbook.md has no '### {name}' section.");
        });
    }

    /// <summary>The configuration and the rule files laid out as the AppHost's container and the integration tests do.</summary>
    [Fact]
    public async Task TheLocalPrometheusConfigurationLoadsEveryRuleFile()
    {
        Tools.SkipUnlessInstalled(Tools.Promtool, "prometheus");
        var directory = Directory.CreateTempSubdirectory("nutrition-rules-");
        try
        {
            File.Copy(Dashboards.PrometheusConfiguration, Path.Combine(directory.FullName, "prometheus.yml"));
            var rules = directory.CreateSubdirectory("rules");
            foreach (var file in AlertingFiles.RuleFiles)
            {
                File.Copy(file, Path.Combine(rules.FullName, Path.GetFileName(file)));
            }

            var check = await Tools.RunAsync(Tools.Promtool, ["check", "config", Path.Combine(directory.FullName, "prometheus.yml")], Cancellation);

            Assert.True(check.ExitCode == 0, check.Output + check.Error);
            Assert.Contains($"SUCCESS: {AlertingFiles.RuleFiles.Count} rule files found", check.Output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"^### (?<name>[A-Za-z0-9]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex RunbookHeading();
}
