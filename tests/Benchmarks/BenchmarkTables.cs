using System.Globalization;
using System.Text;
using NutritionAspire.LoadTesting;

namespace NutritionAspire.Benchmarks;

/// <summary>The report as Markdown tables: the runs, the processes' memory, the ratios to the bare chain against their goals.</summary>
internal static class BenchmarkTables
{
    public static string Format(BenchmarkReport report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"\n{report.Started:yyyy-MM-dd HH:mm} UTC, {report.Cores} cores, {report.Runtime}, {report.Configuration}; ")
            .Append(CultureInfo.InvariantCulture, $"{report.WarmupSeconds:0.#} s warm-up + {report.DurationSeconds:0.#} s per run")
            .Append(report.Environment.Count == 0 ? "" : $"; {string.Join(' ', report.Environment.Select(variable => $"{variable.Key}={variable.Value}"))}")
            .Append("\n\n");
        text.Append(Runs(report.Runs)).Append('\n');

        text.Append(LoadReport.Table(["process", "RSS idle", "RSS after load"],
            report.Processes.Select(process => new[] { process.Name, Mb(process.IdleMegabytes), Mb(process.AfterLoadMegabytes) }))).Append('\n');

        text.Append(LoadReport.Table(["against the bare chain", "cluster sampling", "goal", "every request traced"],
        [
            ["server CPU/req ÷ bare chain's", Times(report.CpuOverBareChain), AtMost(report.CpuOverBareChain, BenchmarkReport.CpuGoal), Times(report.EveryRequestTracedCpuOverBareChain)],
            // Not the goal's measure: steady between runs, for comparing builds, but the paced load's wake-ups weigh on both chains alike.
            [$"… at equal load ({report.EqualLoad[0].RequestsPerSecond:0} req/s each)", Times(report.CpuOverBareChainAtEqualLoad),
                "(compares builds)", Times(report.EveryRequestTracedCpuOverBareChainAtEqualLoad)],
            ["serial p50 ÷ bare chain's (in turns)", Times(report.SerialOverBareChain), AtMost(report.SerialOverBareChain, BenchmarkReport.SerialLatencyGoal), Times(report.EveryRequestTracedSerialOverBareChain)],
            ["req/s ÷ bare chain's", $"{report.ThroughputOverBareChain:0.00}", $"≥ {BenchmarkReport.ThroughputGoal:0.0#} {Mark(report.ThroughputOverBareChain >= BenchmarkReport.ThroughputGoal)}", $"{report.EveryRequestTracedThroughputOverBareChain:0.00}"],
            ["health-api RSS after load", Mb(report.HealthApiAfterLoadMegabytes), $"≤ {Mb(BenchmarkReport.HealthApiMemoryGoalMegabytes)} {Mark(report.HealthApiAfterLoadMegabytes <= BenchmarkReport.HealthApiMemoryGoalMegabytes)}", Mb(report.EveryRequestTracedHealthApiAfterLoadMegabytes)],
        ])).Append('\n');
        text.Append(Turns(report.EqualLoad, "at equal load, in turns", "CPU/req", run => $"{run.ServerCpuMicrosecondsPerRequest:0} µs", load => load.CpuRatios))
            .Append("The ratio at equal load is the median of the three turns'.\n\n");
        text.Append(Turns(report.Serial, "serial, in turns", "p50", run => Ms(run.P50), load => load.P50Ratios))
            .Append("The serial ratio is the median of the three turns'.\n\n");
        text.Append(LoadReport.Table(["the features' libraries, none of our code", "libraries chain ÷ bare chain", "chain ÷ libraries chain"],
        [
            ["server CPU/req", Times(report.LibrariesChainCpuOverBareChain), Times(report.CpuOverLibrariesChain)],
            ["… at equal load (in turns)", Times(report.LibrariesChainCpuOverBareChainAtEqualLoad), Times(report.CpuOverLibrariesChainAtEqualLoad)],
            ["serial p50 (in turns)", Times(report.LibrariesChainSerialOverBareChain), Times(report.SerialOverLibrariesChain)],
            ["req/s", $"{report.LibrariesChainThroughputOverBareChain:0.00}", $"{report.ThroughputOverLibrariesChain:0.00}"],
        ])).Append('\n');
        text.Append(CultureInfo.InvariantCulture,
            $"The bare chain itself: {report.BareChainOverSingleHop:0.000} (1/{Inverse(report.BareChainOverSingleHop)}) of the single hop's req/s, ")
            .Append(CultureInfo.InvariantCulture, $"serial p50 {report.SerialBareChainOverGrpcRoundTrip:0.00}× one gRPC round trip's.\n");

        if (report.Wrk.Count > 0)
        {
            var wrkRatio = report.Wrk[0].RequestsPerSecond == 0 ? 0 : report.Wrk[1].RequestsPerSecond / report.Wrk[0].RequestsPerSecond;
            text.Append('\n').Append(LoadReport.Table(["wrk", "connections", "req/s", "p50", "p99", "requests", "errors"],
                report.Wrk.Select(run => new[]
                {
                    run.Name, Number(run.Connections), Number(run.RequestsPerSecond), Ms(run.P50), Ms(run.P99), Number(run.Requests), Number(run.Errors),
                })));
            text.Append(CultureInfo.InvariantCulture, $"wrk: chain ÷ single-hop = {wrkRatio:0.000} (1/{Inverse(wrkRatio)})\n");
        }

        if (report.AppHost is { } appHost)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nThrough the AppHost with the dashboard: first 200 after {appHost.SecondsToFirst200:0.0} s\n\n")
                .Append(Runs(appHost.Runs)).Append('\n')
                .Append(LoadReport.Table(["process (AppHost)", "RSS idle", "RSS after load"],
                    appHost.Processes.Select(process => new[] { process.Name, Mb(process.IdleMegabytes), Mb(process.AfterLoadMegabytes) })));
        }

        return text.ToString();
    }

    private static string Runs(IEnumerable<RunReport> runs) => LoadReport.Table(
        ["run", "conns", "req/s", "p50", "p90", "p99", "errors", "server CPU/req"],
        runs.Select(run => new[]
        {
            run.Name, Number(run.Connections), Number(run.RequestsPerSecond), Ms(run.P50), Ms(run.P90), Ms(run.P99),
            run.Errors == 0 ? "0" : $"{run.Errors} ({run.FirstError})",
            $"{run.ServerCpuMicrosecondsPerRequest:0} µs ({run.ServerProcesses} proc)",
        }));

    /// <summary>Each turn of each set: the chain's, the bare chain's and the libraries chain's measure, and the chain's ratio to the bare chain.</summary>
    private static string Turns(IEnumerable<InTurnsReport> sets, string title, string measure, Func<RunReport, string> format,
        Func<InTurnsReport, IReadOnlyList<double>> ratios) =>
        LoadReport.Table([title, $"chain {measure}", $"bare chain {measure}", $"libraries chain {measure}", "chain ÷ bare"],
            sets.SelectMany(set => set.ChainTurns.Select((chain, turn) => new[]
            {
                $"{set.Chain}, turn {turn + 1}", format(chain), format(set.BareChainTurns[turn]),
                turn < set.LibrariesChainTurns.Count ? format(set.LibrariesChainTurns[turn]) : "—", Times(ratios(set)[turn]),
            })));

    private static string Ms(double milliseconds) => milliseconds.ToString(milliseconds < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture) + " ms";

    private static string Mb(double megabytes) => megabytes.ToString("0", CultureInfo.InvariantCulture) + " MB";

    private static string Number(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Inverse(double ratio) => ratio == 0 ? "∞" : (1 / ratio).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Times(double? ratio) => ratio is { } value ? value.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "—";

    private static string AtMost(double ratio, double goal) => $"≤ {Times(goal)} {Mark(ratio <= goal)}";

    private static string Mark(bool met) => met ? "met" : "NOT met";
}
