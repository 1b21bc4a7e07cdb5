using System.Globalization;

namespace NutritionAspire.Benchmarks;

/// <summary>The command line of the benchmark.</summary>
internal sealed record BenchmarkOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

    public int Connections { get; init; } = 50;

    /// <summary>A short run that checks the benchmark works end to end (every phase answers without errors), not how fast.</summary>
    public bool Smoke { get; init; }

    /// <summary>Also measure the chain through the AppHost, with the dashboard receiving every span, and time its start.</summary>
    public bool AppHost { get; init; }

    /// <summary>Measure the services as the container images ship them: published with Native AOT, not the JIT build.</summary>
    public bool Aot { get; init; }

    /// <summary>Also load the single hop and the chain with <c>wrk</c>, when it is installed.</summary>
    public bool Wrk { get; init; } = true;

    public string? Output { get; init; }

    /// <summary>Environment variables for every server process, such as runtime settings to compare.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Benchmarks [-- options]
          --duration <s>      measured seconds of each run (default 10)
          --warmup <s>        unmeasured seconds before each run (default 10: seven processes take that long to JIT the hot path)
          --connections <n>   keep-alive connections of the loaded runs (default 50)
          --apphost           also run the chain through the AppHost with the dashboard, and time its start
          --aot               measure the services published with Native AOT, as their images ship (needs clang;
                              about a minute per service to publish on two cores)
          --no-wrk            do not cross-check with wrk even when it is installed
          --smoke             one-second runs that only check that everything answers (used by the tests)
          --output <file>     where to write the JSON (default artifacts/benchmarks/benchmark-<time>.json)
          --env NAME=VALUE    set a variable in every server process, e.g. a DOTNET_ runtime setting (repeatable)
        """;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            options = args[i] switch
            {
                "--duration" => options with { Duration = Seconds(Value()) },
                "--warmup" => options with { Warmup = Seconds(Value()) },
                "--connections" => options with { Connections = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--apphost" => options with { AppHost = true },
                "--aot" => options with { Aot = true },
                "--no-wrk" => options with { Wrk = false },
                "--smoke" => options with { Smoke = true, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.FromSeconds(0.5), Connections = 4, Wrk = false },
                "--output" => options with { Output = Value() },
                "--env" => options with { Environment = WithVariable(options.Environment, Value()) },
                _ => throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}"),
            };
        }

        if (options.Duration <= TimeSpan.Zero || options.Duration > TimeSpan.FromMinutes(5) || options.Warmup < TimeSpan.Zero
            || options.Connections is < 1 or > 1000)
        {
            throw new ArgumentException($"--duration must be over 0 and at most 300 s, --warmup at least 0, --connections from 1 to 1000.\n{Usage}");
        }

        return options;
    }

    private static Dictionary<string, string?> WithVariable(IReadOnlyDictionary<string, string?> environment, string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"--env takes NAME=VALUE, got '{assignment}'.\n{Usage}");
        }

        return new Dictionary<string, string?>(environment) { [assignment[..equals]] = assignment[(equals + 1)..] };
    }

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
}
