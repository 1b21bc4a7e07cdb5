using NutritionAspire.Tests;

namespace NutritionAspire.Alerts.Tests;

/// <summary>The command-line checkers: Prometheus's promtool and Alertmanager's amtool (Debian's prometheus and
/// prometheus-alertmanager packages, which .ci/run installs) and node with Grafana's LogQL grammar (npm).</summary>
public static class Tools
{
    public const string Promtool = "/usr/bin/promtool";
    public const string Amtool = "/usr/bin/amtool";

    private static string LogqlDirectory { get; } = Path.Combine(RepositoryPaths.Root, "tests", "Alerts.Tests", "logql");

    public static void SkipUnlessInstalled(string tool, string package)
    {
        if (!File.Exists(tool))
        {
            Assert.Skip($"{Path.GetFileName(tool)} is not installed (.ci/run installs Debian's {package} package).");
        }
    }

    public static void SkipUnlessLogqlParserInstalled()
    {
        if (!File.Exists(Path.Combine(LogqlDirectory, "node_modules", "@grafana", "lezer-logql", "package.json")))
        {
            Assert.Skip("The LogQL grammar is not installed: run `npm ci --prefix tests/Alerts.Tests/logql` (.ci/run does).");
        }
    }

    public static Task<ProcessResult> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(tool, arguments, RepositoryPaths.Root, cancellationToken);

    /// <summary>Runs the LogQL parser script on a file holding a JSON array of expressions.</summary>
    public static Task<ProcessResult> ParseLogqlAsync(string expressionsFile, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync("node", ["parse-logql.mjs", expressionsFile], LogqlDirectory, cancellationToken);
}
