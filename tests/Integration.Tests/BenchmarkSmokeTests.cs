using System.Text.Json;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>
/// The benchmark's smoke mode: every process starts, every run is answered without errors, the report is written.
/// It checks that the benchmark works, not how fast anything is.
/// </summary>
[Collection(SharedNutritionApp.Name)]
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task TheBenchmarkRunsEveryPhaseAndWritesItsReport()
    {
        var output = Path.Combine(Path.GetTempPath(), $"nutrition-benchmark-{Guid.NewGuid():N}.json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            var run = await ProcessRunner.RunAsync("dotnet", [BuiltPrograms.Benchmark, "--smoke", "--output", output], RepositoryPaths.Root, timeout.Token);

            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            Assert.Contains("server CPU/req ÷ bare chain's", run.Output, StringComparison.Ordinal);
            Assert.Contains("health-api RSS after load", run.Output, StringComparison.Ordinal);
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(output, timeout.Token));
            var runs = report.RootElement.GetProperty("runs").EnumerateArray().ToList();
            Assert.Equal(
                ["single-hop reference", "chain POST /calculator", "gRPC echo reference", "chain, serial", "gRPC echo, serial", "bare chain", "bare chain, serial",
                    "libraries chain", "libraries chain, serial", "chain POST /calculator (every request traced)", "chain, serial (every request traced)"],
                runs.Select(phase => phase.GetProperty("name").GetString()));
            Assert.All(runs, phase =>
            {
                Assert.True(phase.GetProperty("requests").GetInt64() > 0, phase.ToString());
                Assert.Equal(0, phase.GetProperty("errors").GetInt64());
                // Every process of the run is measured: seven for the chains, one for a reference.
                var perProcess = phase.GetProperty("cpuMicrosecondsPerRequestByProcess").EnumerateObject().Count();
                Assert.Equal(phase.GetProperty("name").GetString()!.Contains("chain", StringComparison.Ordinal) ? 7 : 1, perProcess);
            });
            var processes = report.RootElement.GetProperty("processes").EnumerateArray().ToList();
            Assert.Equal(NutritionServices.All.Order(), processes.Select(p => p.GetProperty("name").GetString()).Where(NutritionServices.All.Contains).Order());
            Assert.Contains(processes, process => process.GetProperty("name").GetString() == $"{ResourceNames.HealthApi} (every request traced)");
            Assert.All(processes, process => Assert.True(process.GetProperty("afterLoadMegabytes").GetDouble() > 0, process.ToString()));
            // The ratios to the bare chain are in the report, at both samplings.
            Assert.True(report.RootElement.GetProperty("cpuOverBareChain").GetDouble() > 0);
            Assert.True(report.RootElement.GetProperty("everyRequestTracedCpuOverBareChain").GetDouble() > 0);
            // And in turns: at equal load and in series, each chain and the bare chain three turns each (the libraries
            // chain too at the cluster's sampling), every turn answered.
            foreach (var set in new[] { "equalLoad", "serial" })
            {
                var turns = report.RootElement.GetProperty(set).EnumerateArray().ToList();
                Assert.Equal(2, turns.Count);
                Assert.Equal([3, 0], turns.Select(load => load.GetProperty("librariesChainTurns").GetArrayLength()));
                Assert.All(turns, load =>
                {
                    Assert.Equal(3, load.GetProperty("cpuRatios").GetArrayLength());
                    Assert.All(load.GetProperty("chainTurns").EnumerateArray().Concat(load.GetProperty("bareChainTurns").EnumerateArray())
                        .Concat(load.GetProperty("librariesChainTurns").EnumerateArray()), turn =>
                    {
                        Assert.True(turn.GetProperty("requests").GetInt64() > 0, turn.ToString());
                        Assert.Equal(0, turn.GetProperty("errors").GetInt64());
                    });
                });
            }

            Assert.True(report.RootElement.GetProperty("cpuOverBareChainAtEqualLoad").GetDouble() > 0);
            Assert.True(report.RootElement.GetProperty("serialOverBareChain").GetDouble() > 0);
            // And against the libraries chain, whose seven processes are measured like the others.
            Assert.True(report.RootElement.GetProperty("librariesChainCpuOverBareChain").GetDouble() > 0);
            Assert.True(report.RootElement.GetProperty("cpuOverLibrariesChain").GetDouble() > 0);
            Assert.True(report.RootElement.GetProperty("cpuOverLibrariesChainAtEqualLoad").GetDouble() > 0);
            Assert.True(report.RootElement.GetProperty("serialOverLibrariesChain").GetDouble() > 0);
            Assert.Equal(7, processes.Count(process => process.GetProperty("name").GetString()!.StartsWith("libraries ", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(output);
        }
    }
}
