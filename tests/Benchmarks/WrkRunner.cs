using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NutritionAspire.Contracts;

namespace NutritionAspire.Benchmarks;

/// <summary>The same loads through <c>wrk</c>, a C generator with its own event loop, as a cross-check of the .NET one.</summary>
internal static partial class WrkRunner
{
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, "wrk"))
            .FirstOrDefault(File.Exists);

    public static async Task<WrkReport> RunAsync(string wrk, string name, Uri server, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        Console.WriteLine($"  wrk {name}: {options.Connections} connections, {options.Duration.TotalSeconds:0} s");
        var script = Path.Combine(Path.GetTempPath(), $"nutrition-wrk-{Environment.ProcessId}.lua");
        await File.WriteAllTextAsync(script,
            $"wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = '{WorkedExample.Request}'\n", cancellationToken);
        try
        {
            var threads = Math.Min(Environment.ProcessorCount, options.Connections);
            var seconds = Math.Max(1, (int)Math.Round(options.Duration.TotalSeconds));
            var start = new ProcessStartInfo(wrk,
                [$"-t{threads}", $"-c{options.Connections}", $"-d{seconds}s", "--latency", "-s", script, new Uri(server, WorkedExample.Path).ToString()])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start wrk.");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }

            var text = await output + await error;
            return process.ExitCode == 0
                ? Parse(name, options.Connections, text)
                : throw new InvalidOperationException($"wrk failed ({process.ExitCode}):\n{text}");
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static WrkReport Parse(string name, int connections, string output)
    {
        double Number(Regex pattern) =>
            pattern.Match(output) is { Success: true } match ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

        double Percentile(string percent) =>
            Regex.Match(output, $@"^\s+{percent}%\s+([0-9.]+)(us|ms|s)\s*$", RegexOptions.Multiline) is { Success: true } match
                ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * match.Groups[2].Value switch { "us" => 0.001, "ms" => 1, _ => 1000 }
                : 0;

        var socketErrors = SocketErrors().Match(output) is { Success: true } errors
            ? errors.Groups.Values.Skip(1).Sum(group => long.Parse(group.Value, CultureInfo.InvariantCulture))
            : 0;
        return new WrkReport(name, connections, Math.Round(Number(RequestsPerSecond())), Percentile("50"), Percentile("99"),
            (long)Number(Requests()), (long)Number(Non2xx()) + socketErrors);
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"([0-9]+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+([0-9]+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)")]
    private static partial Regex SocketErrors();
}
