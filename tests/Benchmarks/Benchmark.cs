using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NutritionAspire.Contracts;
using NutritionAspire.LoadTesting;
using NutritionAspire.Tests;

namespace NutritionAspire.Benchmarks;

/// <summary>
/// Starts the seven services and the references (<see cref="ReferenceServers"/>), loads each with the same generator,
/// and reports throughput, latency, CPU per request, memory and the ratios the goals are stated in.
/// </summary>
internal static class Benchmark
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<int> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        // However a run goes, it ends: the phases of warm-up plus measurement, the publishing, the starts, and a margin.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Four sets of turns (equal load and serial, at each sampling), of up to three chains each.
        var turns = 4 * 3 * InTurnsReport.Rounds * ((options.Duration / 2) + TimeSpan.FromSeconds(1));
        bound.CancelAfter((16 * (options.Duration + options.Warmup)) + turns + TimeSpan.FromMinutes((options.AppHost ? 6 : 3) + (options.Aot ? 15 : 0)));
        try
        {
            var report = await MeasureAsync(options, bound.Token);
            Console.WriteLine(BenchmarkTables.Format(report));
            var output = options.Output ?? Path.Combine(RepositoryPaths.Root, "artifacts", "benchmarks",
                $"benchmark-{report.Started.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, s_json), CancellationToken.None);
            Console.WriteLine($"Written to {output}");

            var failures = report.Runs.Concat(report.EqualLoad.Concat(report.Serial).SelectMany(turns => turns.AllTurns))
                .Where(run => run.Errors > 0 || run.Requests == 0).Select(run => run.Name).Distinct().ToList();
            if (failures.Count > 0)
            {
                Console.Error.WriteLine($"Runs with errors or no answer: {string.Join(", ", failures)}.");
                return 1;
            }

            return 0;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            Console.Error.WriteLine(cancellationToken.IsCancellationRequested
                ? "Interrupted; every process the benchmark started has been stopped."
                : "The run passed its time bound; every process it started has been stopped.");
            return 130;
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            Console.Error.WriteLine(exception.Message);
            return 1;
        }
    }

    private static async Task<BenchmarkReport> MeasureAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        await using var group = new ProcessGroup(options.Environment);

        var outputOf = options.Aot ? await Services.PublishAotAsync(group, cancellationToken) : Services.BuildOutput;
        var singleHopPort = Loopback.UnusedPort();
        var echoPort = Loopback.UnusedPort();
        var singleHop = StartReference(group, ReferenceServers.SingleHop, singleHopPort);
        var echo = StartReference(group, ReferenceServers.GrpcEcho, echoPort);
        var bareChain = StartBareChain(group);
        var librariesChain = StartBareChain(group, withLibraries: true);
        var services = Services.Start(group, outputOf, Services.ClusterSampling);
        var singleHopUri = new Uri($"http://127.0.0.1:{singleHopPort}");
        var echoUri = new Uri($"http://127.0.0.1:{echoPort}");

        Console.WriteLine($"Starting the seven services ({Services.Configuration}{(options.Aot ? ", Native AOT" : "")}) and the references...");
        await services.WaitUntilReadyAsync(s_startTimeout, cancellationToken);
        await Readiness.WaitAsync([singleHop], (http, token) => Readiness.PostsOkAsync(http, singleHopUri, token), s_startTimeout, cancellationToken);
        await Readiness.WaitAsync([echo], async (_, token) =>
        {
            await using var connection = new GrpcEchoConnection(echoUri);
            return await connection.SendAsync(token) is null;
        }, s_startTimeout, cancellationToken);

        await Readiness.WaitAsync(bareChain.Processes, (http, token) => Readiness.PostsOkAsync(http, bareChain.Front, token), s_startTimeout, cancellationToken);
        await Readiness.WaitAsync(librariesChain.Processes, (http, token) => Readiness.PostsOkAsync(http, librariesChain.Front, token), s_startTimeout, cancellationToken);

        var measured = services.Processes.Append(singleHop).Append(echo).Concat(bareChain.Processes).Concat(librariesChain.Processes).ToList();
        var idle = measured.ToDictionary(process => process.Name, process => process.ResidentBytes);
        // The first answers open the channels along the chain and prove it whole before anything is measured.
        await Readiness.WaitAsync(services.Processes, (http, token) => Readiness.AnswersSteadilyAsync(http, services.HealthApi, token), s_startTimeout, cancellationToken);

        var chain = HttpLoadConnection.PostJson(services.HealthApi, WorkedExample.Path, WorkedExample.Request);
        var bare = HttpLoadConnection.PostJson(bareChain.Front, WorkedExample.Path, WorkedExample.Request);
        var withLibraries = HttpLoadConnection.PostJson(librariesChain.Front, WorkedExample.Path, WorkedExample.Request);
        var runs = new List<RunReport>
        {
            await LoadAsync(RunNames.SingleHop, HttpLoadConnection.PostJson(singleHopUri, WorkedExample.Path, WorkedExample.Request), options.Connections, [singleHop], options, cancellationToken),
            await LoadAsync(RunNames.Chain, chain, options.Connections, services.Processes, options, cancellationToken),
            await LoadAsync(RunNames.GrpcEcho, () => new GrpcEchoConnection(echoUri), options.Connections, [echo], options, cancellationToken),
            await LoadAsync(RunNames.ChainSerial, chain, 1, services.Processes, options, cancellationToken),
            await LoadAsync(RunNames.GrpcEchoSerial, () => new GrpcEchoConnection(echoUri), 1, [echo], options, cancellationToken),
            await LoadAsync(RunNames.BareChain, bare, options.Connections, bareChain.Processes, options, cancellationToken),
            await LoadAsync(RunNames.BareChainSerial, bare, 1, bareChain.Processes, options, cancellationToken),
            await LoadAsync(RunNames.LibrariesChain, withLibraries, options.Connections, librariesChain.Processes, options, cancellationToken),
            await LoadAsync(RunNames.LibrariesChainSerial, withLibraries, 1, librariesChain.Processes, options, cancellationToken),
        };

        // The same offered load for the chains, so their CPU per request compares the work of a request, not load
        // regimes: at 50 connections the bare chain runs at twice the rate and spends less per request on waking.
        var equalRate = EqualLoadRate(runs.Single(run => run.Name == RunNames.Chain).RequestsPerSecond);
        var bareTurn = new Contender(RunNames.BareChain, bare, bareChain.Processes);
        var librariesTurn = new Contender(RunNames.LibrariesChain, withLibraries, librariesChain.Processes);
        var equalLoad = new List<InTurnsReport>
        {
            await InTurnsAsync(new(RunNames.Chain, chain, services.Processes), bareTurn, librariesTurn, options.Connections, equalRate, options, cancellationToken),
        };
        // Serial p50 moves with the machine's load more than any ratio the goals ask about, so it is taken in turns too.
        var serial = new List<InTurnsReport>
        {
            await InTurnsAsync(new(RunNames.ChainSerial, chain, services.Processes), bareTurn with { Name = RunNames.BareChainSerial },
                librariesTurn with { Name = RunNames.LibrariesChainSerial }, 1, null, options, cancellationToken),
        };

        var processes = measured.Select(process => new ProcessReport(
            process.Name, Megabytes(idle[process.Name]), Megabytes(process.ResidentBytes))).ToList();

        // The same chain with every request traced, as a local run traces them, in place of the first: never both at once.
        await group.StopAsync(services.Processes);
        var traced = Services.Start(group, outputOf, Services.EveryRequestTraced, RunNames.EveryRequestTracedLabel);
        await traced.WaitUntilReadyAsync(s_startTimeout, cancellationToken);
        var tracedIdle = traced.Processes.ToDictionary(process => process.Name, process => process.ResidentBytes);
        await Readiness.WaitAsync(traced.Processes, (http, token) => Readiness.AnswersSteadilyAsync(http, traced.HealthApi, token), s_startTimeout, cancellationToken);
        var tracedChain = HttpLoadConnection.PostJson(traced.HealthApi, WorkedExample.Path, WorkedExample.Request);
        runs.Add(await LoadAsync(RunNames.Chain + RunNames.EveryRequestTracedLabel, tracedChain, options.Connections, traced.Processes, options, cancellationToken));
        runs.Add(await LoadAsync(RunNames.ChainSerial + RunNames.EveryRequestTracedLabel, tracedChain, 1, traced.Processes, options, cancellationToken));
        equalLoad.Add(await InTurnsAsync(new(RunNames.Chain + RunNames.EveryRequestTracedLabel, tracedChain, traced.Processes), bareTurn, null,
            options.Connections, equalRate, options, cancellationToken));
        serial.Add(await InTurnsAsync(new(RunNames.ChainSerial + RunNames.EveryRequestTracedLabel, tracedChain, traced.Processes),
            bareTurn with { Name = RunNames.BareChainSerial }, null, 1, null, options, cancellationToken));
        processes.AddRange(traced.Processes.Select(process => new ProcessReport(
            process.Name, Megabytes(tracedIdle[process.Name]), Megabytes(process.ResidentBytes))));

        var wrk = options.Wrk && WrkRunner.Find() is { } wrkPath
            ? new List<WrkReport>
            {
                await WrkRunner.RunAsync(wrkPath, "single-hop reference", singleHopUri, options, cancellationToken),
                await WrkRunner.RunAsync(wrkPath, "chain POST /calculator", services.HealthApi, options, cancellationToken),
            }
            : [];

        AppHostReport? appHost = null;
        if (options.AppHost)
        {
            // The direct services make way for the AppHost's, so the two never share the CPU.
            await group.StopAsync(traced.Processes);
            appHost = await AppHostRun.MeasureAsync(group, options, cancellationToken);
        }

        return new BenchmarkReport(started, Environment.ProcessorCount, RuntimeInformationText(), Services.Configuration + (options.Aot ? ", Native AOT" : ""),
            options.Duration.TotalSeconds, options.Warmup.TotalSeconds, options.Connections, options.Environment, runs, equalLoad, serial, processes, wrk, appHost);
    }

    /// <summary>
    /// The bare chain: five echoes, a fan-out to three of them, and a front calling the other two and the fan-out with
    /// the first one's answer;
    /// <paramref name="withLibraries"/>, the libraries chain: the same with the features' libraries on, sampling traces
    /// as the cluster does.
    /// </summary>
    private static (IReadOnlyList<ServerProcess> Processes, Uri Front) StartBareChain(ProcessGroup group, bool withLibraries = false)
    {
        var (prefix, suffix) = withLibraries ? ("libraries", ReferenceServers.WithLibraries) : ("bare", "");
        var environment = withLibraries ? Services.ClusterSampling : new Dictionary<string, string?>();
        var leafPorts = Enumerable.Range(0, 5).Select(_ => Loopback.UnusedPort()).ToArray();
        var fanOutPort = Loopback.UnusedPort();
        var frontPort = Loopback.UnusedPort();
        var processes = leafPorts.Select((port, index) =>
            StartReference(group, ReferenceServers.GrpcEcho + suffix, port, $"{prefix} leaf {index + 1}", environment: environment)).ToList();
        processes.Add(StartReference(group, ReferenceServers.BareFanOut + suffix, fanOutPort, $"{prefix} fan-out", leafPorts[..3], environment));
        processes.Add(StartReference(group, ReferenceServers.BareFront + suffix, frontPort, $"{prefix} front", [leafPorts[3], leafPorts[4], fanOutPort], environment));
        return (processes, new Uri($"http://127.0.0.1:{frontPort}"));
    }

    private static ServerProcess StartReference(ProcessGroup group, string kind, int port, string? name = null, int[]? downstreamPorts = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        // This program serves the references itself, each in a process of its own.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark's own path is unknown.");
        string[] serve = ["serve", kind, .. new[] { port }.Concat(downstreamPorts ?? []).Select(number => number.ToString(CultureInfo.InvariantCulture))];
        string[] arguments = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(Benchmark).Assembly.Location, .. serve] : serve;
        return group.Start(name ?? $"{kind} reference", self, arguments, AppContext.BaseDirectory, new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>()));
    }

    /// <summary>A warm-up run, then a measured one; the CPU time of <paramref name="servers"/> is taken around the measured run.</summary>
    public static async Task<RunReport> LoadAsync(string name, Func<ILoadConnection> connect, int connections,
        IReadOnlyList<IMeasuredProcess> servers, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        Console.WriteLine($"  {name}: {connections} connection(s), {options.Warmup.TotalSeconds:0.#} s warm-up, {options.Duration.TotalSeconds:0.#} s measured");
        await using var run = LoadRun.Open(connect, connections);
        if (options.Warmup > TimeSpan.Zero)
        {
            await run.RunAsync(name, options.Warmup, cancellationToken);
        }

        var cpuBefore = servers.Select(server => server.CpuTime).ToList();
        var result = await run.RunAsync(name, options.Duration, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var cpu = servers.Select((server, index) => (server.Name, Cpu: server.CpuTime - cpuBefore[index])).ToList();
        return RunReport.From(result, cpu);
    }

    /// <summary>Seven tenths of the chain's closed-loop rate, in hundreds: a rate the chain keeps up with on a busy machine too.</summary>
    private static double EqualLoadRate(double chainRequestsPerSecond) => Math.Max(100, Math.Floor(chainRequestsPerSecond * 0.7 / 100) * 100);

    /// <summary>One chain of a set of turns: what it is called, how to load it, the processes whose CPU is counted.</summary>
    private sealed record Contender(string Name, Func<ILoadConnection> Connect, IReadOnlyList<IMeasuredProcess> Processes);

    /// <summary>
    /// The chain, the bare chain and (when given) the libraries chain loaded in turns, A B C A B C A B C, so a change in
    /// the machine's load falls on all of them: at one paced <paramref name="rate"/> each, or closed-loop when it is null.
    /// Each turn settles for a second before it is measured.
    /// </summary>
    private static async Task<InTurnsReport> InTurnsAsync(Contender chain, Contender bare, Contender? libraries, int connections, double? rate,
        BenchmarkOptions options, CancellationToken cancellationToken)
    {
        Contender[] contenders = libraries is null ? [chain, bare] : [chain, bare, libraries];
        Console.WriteLine($"  in turns, {(rate is null ? $"{connections} connection(s)" : $"{rate:0} req/s each")}, {InTurnsReport.Rounds} turns each: "
            + string.Join(" / ", contenders.Select(contender => contender.Name)));
        var loads = new List<LoadRun>();
        try
        {
            foreach (var contender in contenders)
            {
                loads.Add(LoadRun.Open(contender.Connect, connections));
            }

            var turns = contenders.Select(_ => new List<RunReport>()).ToArray();
            for (var round = 0; round < InTurnsReport.Rounds; round++)
            {
                for (var index = 0; index < contenders.Length; index++)
                {
                    turns[index].Add(await TurnAsync(loads[index], contenders[index], rate, options.Duration / 2, cancellationToken));
                }
            }

            return new InTurnsReport(chain.Name, connections, rate, turns[0], turns[1], libraries is null ? [] : turns[2]);
        }
        finally
        {
            foreach (var load in loads)
            {
                await load.DisposeAsync();
            }
        }
    }

    private static async Task<RunReport> TurnAsync(LoadRun run, Contender contender, double? rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        Task<LoadResult> Load(TimeSpan time) => rate is { } paced
            ? run.RunAtRateAsync(contender.Name, time, paced, cancellationToken)
            : run.RunAsync(contender.Name, time, cancellationToken);

        await Load(TimeSpan.FromSeconds(1));
        var cpuBefore = contender.Processes.Select(server => server.CpuTime).ToList();
        var result = await Load(duration);
        cancellationToken.ThrowIfCancellationRequested();
        return RunReport.From(result, [.. contender.Processes.Select((server, index) => (server.Name, Cpu: server.CpuTime - cpuBefore[index]))]);
    }

    private static double Megabytes(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);

    private static string RuntimeInformationText() =>
        $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription} on {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
}

/// <summary>One measured run as the report shows it; latencies in milliseconds.</summary>
internal sealed record RunReport(
    string Name, int Connections, double RequestsPerSecond, double P50, double P90, double P99, long Requests, long Errors,
    string? FirstError, int ServerProcesses, double ServerCpuMicrosecondsPerRequest, IReadOnlyDictionary<string, double> CpuMicrosecondsPerRequestByProcess)
{
    public static RunReport From(LoadResult result, IReadOnlyList<(string Name, TimeSpan Cpu)> serverCpu) => new(
        result.Name, result.Connections, Math.Round(result.RequestsPerSecond), Ms(result.P50), Ms(result.P90), Ms(result.P99),
        result.Requests, result.Errors, result.FirstError, serverCpu.Count,
        PerRequest(serverCpu.Aggregate(TimeSpan.Zero, (sum, process) => sum + process.Cpu), result.Requests),
        serverCpu.ToDictionary(process => process.Name, process => PerRequest(process.Cpu, result.Requests)));

    private static double PerRequest(TimeSpan cpu, long requests) => requests == 0 ? 0 : Math.Round(cpu.TotalMicroseconds / requests, 1);

    private static double Ms(TimeSpan latency) => Math.Round(latency.TotalMilliseconds, 3);
}

/// <summary>
/// Chains loaded in turns on the same connections and load (<see cref="Benchmark"/>): each ratio is the median of the
/// turns' ratios, turn by turn; those to the libraries chain are null when it was not among them.
/// </summary>
internal sealed record InTurnsReport(
    string Chain, int Connections, double? RequestsPerSecond, IReadOnlyList<RunReport> ChainTurns, IReadOnlyList<RunReport> BareChainTurns,
    IReadOnlyList<RunReport> LibrariesChainTurns)
{
    public const int Rounds = 3;

    public IEnumerable<RunReport> AllTurns => ChainTurns.Concat(BareChainTurns).Concat(LibrariesChainTurns);

    public IReadOnlyList<double> CpuRatios => Ratios(ChainTurns, BareChainTurns, Cpu);

    public double CpuOverBareChain => Median(CpuRatios);

    public IReadOnlyList<double> P50Ratios => Ratios(ChainTurns, BareChainTurns, P50);

    public double P50OverBareChain => Median(P50Ratios);

    public double? LibrariesChainCpuOverBareChain => WithLibraries(() => Median(Ratios(LibrariesChainTurns, BareChainTurns, Cpu)));

    public double? LibrariesChainP50OverBareChain => WithLibraries(() => Median(Ratios(LibrariesChainTurns, BareChainTurns, P50)));

    public double? CpuOverLibrariesChain => WithLibraries(() => Median(Ratios(ChainTurns, LibrariesChainTurns, Cpu)));

    public double? P50OverLibrariesChain => WithLibraries(() => Median(Ratios(ChainTurns, LibrariesChainTurns, P50)));

    private static double Cpu(RunReport run) => run.ServerCpuMicrosecondsPerRequest;

    private static double P50(RunReport run) => run.P50;

    private double? WithLibraries(Func<double> ratio) => LibrariesChainTurns.Count == 0 ? null : ratio();

    private static IReadOnlyList<double> Ratios(IReadOnlyList<RunReport> turns, IReadOnlyList<RunReport> references, Func<RunReport, double> measure) =>
        [.. turns.Zip(references, (turn, reference) => measure(reference) == 0 ? 0 : Math.Round(measure(turn) / measure(reference), 3))];

    private static double Median(IReadOnlyList<double> ratios) => ratios.Order().ElementAt(ratios.Count / 2);
}

internal sealed record ProcessReport(string Name, double IdleMegabytes, double AfterLoadMegabytes);

/// <summary>The runs' names, which the report's ratios and the smoke test read.</summary>
internal static class RunNames
{
    public const string SingleHop = "single-hop reference";
    public const string Chain = "chain POST /calculator";
    public const string GrpcEcho = "gRPC echo reference";
    public const string ChainSerial = "chain, serial";
    public const string GrpcEchoSerial = "gRPC echo, serial";
    public const string BareChain = "bare chain";
    public const string BareChainSerial = "bare chain, serial";
    public const string LibrariesChain = "libraries chain";
    public const string LibrariesChainSerial = "libraries chain, serial";

    /// <summary>Appended to the name of a run (and a process) of the chain with every request traced.</summary>
    public const string EveryRequestTracedLabel = " (every request traced)";
}

internal sealed record WrkReport(string Name, int Connections, double RequestsPerSecond, double P50, double P99, long Requests, long Errors);

internal sealed record AppHostReport(double SecondsToFirst200, IReadOnlyList<RunReport> Runs, IReadOnlyList<ProcessReport> Processes);

internal sealed record BenchmarkReport(
    DateTimeOffset Started, int Cores, string Runtime, string Configuration, double DurationSeconds, double WarmupSeconds, int Connections,
    IReadOnlyDictionary<string, string?> Environment, IReadOnlyList<RunReport> Runs, IReadOnlyList<InTurnsReport> EqualLoad, IReadOnlyList<InTurnsReport> Serial, IReadOnlyList<ProcessReport> Processes, IReadOnlyList<WrkReport> Wrk, AppHostReport? AppHost)
{
    /// <summary>The goals, each against the bare chain, at the cluster's trace sampling (docs/performance.md).</summary>
    public const double CpuGoal = 1.4;
    public const double SerialLatencyGoal = 1.35;
    public const double ThroughputGoal = 0.7;
    public const double HealthApiMemoryGoalMegabytes = 100;

    private RunReport Run(string name) => Runs.Single(run => run.Name == name);

    /// <summary>Server CPU per request of the chain over the bare chain's, at 50 connections.</summary>
    public double CpuOverBareChain => CpuOverBareChainOf(RunNames.Chain);

    /// <summary>The chain's serial p50 over the bare chain's, in turns.</summary>
    public double SerialOverBareChain => SerialTurns(RunNames.ChainSerial).P50OverBareChain;

    /// <summary>How much of the bare chain's throughput the chain keeps, at 50 connections.</summary>
    public double ThroughputOverBareChain => ThroughputOverBareChainOf(RunNames.Chain);

    /// <summary>health-api's resident memory after the load, at the cluster's sampling.</summary>
    public double HealthApiAfterLoadMegabytes => Processes.Single(process => process.Name == ResourceNames.HealthApi).AfterLoadMegabytes;

    /// <summary>Server CPU per request of the chain over the bare chain's, both at the same paced rate.</summary>
    public double CpuOverBareChainAtEqualLoad => EqualLoadTurns(RunNames.Chain).CpuOverBareChain;

    public double EveryRequestTracedCpuOverBareChainAtEqualLoad => EqualLoadTurns(RunNames.Chain + RunNames.EveryRequestTracedLabel).CpuOverBareChain;

    public double EveryRequestTracedCpuOverBareChain => CpuOverBareChainOf(RunNames.Chain + RunNames.EveryRequestTracedLabel);

    public double EveryRequestTracedSerialOverBareChain => SerialTurns(RunNames.ChainSerial + RunNames.EveryRequestTracedLabel).P50OverBareChain;

    public double EveryRequestTracedThroughputOverBareChain => ThroughputOverBareChainOf(RunNames.Chain + RunNames.EveryRequestTracedLabel);

    public double EveryRequestTracedHealthApiAfterLoadMegabytes =>
        Processes.Single(process => process.Name == ResourceNames.HealthApi + RunNames.EveryRequestTracedLabel).AfterLoadMegabytes;

    /// <summary>The libraries chain against the bare chain: what the features' libraries cost before any code of ours.</summary>
    public double LibrariesChainCpuOverBareChain => CpuOverBareChainOf(RunNames.LibrariesChain);

    public double? LibrariesChainCpuOverBareChainAtEqualLoad => EqualLoadTurns(RunNames.Chain).LibrariesChainCpuOverBareChain;

    public double? LibrariesChainSerialOverBareChain => SerialTurns(RunNames.ChainSerial).LibrariesChainP50OverBareChain;

    public double LibrariesChainThroughputOverBareChain => ThroughputOverBareChainOf(RunNames.LibrariesChain);

    /// <summary>The chain against the libraries chain: what our code adds to the libraries.</summary>
    public double CpuOverLibrariesChain => Ratio(Run(RunNames.Chain).ServerCpuMicrosecondsPerRequest, Run(RunNames.LibrariesChain).ServerCpuMicrosecondsPerRequest);

    public double? CpuOverLibrariesChainAtEqualLoad => EqualLoadTurns(RunNames.Chain).CpuOverLibrariesChain;

    public double? SerialOverLibrariesChain => SerialTurns(RunNames.ChainSerial).P50OverLibrariesChain;

    public double ThroughputOverLibrariesChain => Ratio(Run(RunNames.Chain).RequestsPerSecond, Run(RunNames.LibrariesChain).RequestsPerSecond);

    /// <summary>The bare chain against the one-hop references: what the topology and the libraries cost before our code.</summary>
    public double BareChainOverSingleHop => Ratio(Run(RunNames.BareChain).RequestsPerSecond, Run(RunNames.SingleHop).RequestsPerSecond);

    public double SerialBareChainOverGrpcRoundTrip => Ratio(Run(RunNames.BareChainSerial).P50, Run(RunNames.GrpcEchoSerial).P50);

    private double CpuOverBareChainOf(string chain) =>
        Ratio(Run(chain).ServerCpuMicrosecondsPerRequest, Run(RunNames.BareChain).ServerCpuMicrosecondsPerRequest);

    private InTurnsReport EqualLoadTurns(string chain) => EqualLoad.Single(turns => turns.Chain == chain);

    private InTurnsReport SerialTurns(string chain) => Serial.Single(turns => turns.Chain == chain);

    private double ThroughputOverBareChainOf(string chain) => Ratio(Run(chain).RequestsPerSecond, Run(RunNames.BareChain).RequestsPerSecond);

    private static double Ratio(double value, double reference) => reference == 0 ? 0 : Math.Round(value / reference, 3);
}
