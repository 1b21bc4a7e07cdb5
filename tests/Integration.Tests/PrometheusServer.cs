using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>
/// A real Prometheus (the distribution's binary) on a loopback port, running the repository's configuration and rule
/// files laid out the way the AppHost's Prometheus container lays them out (start.sh): file_sd targets one per service,
/// labelled <c>service</c>, and the rule files in <c>rules/</c> beside the configuration.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly StringBuilder _log = new();

    private PrometheusServer(Process process, DirectoryInfo directory, Uri address)
    {
        (_process, _directory, Address) = (process, directory, address);
    }

    public Uri Address { get; }

    public static string? Binary { get; } = new[] { "/usr/bin/prometheus", "/bin/prometheus" }.FirstOrDefault(File.Exists);

    public static async Task<PrometheusServer> StartAsync(
        string configuration, string rulesFolder, IReadOnlyDictionary<string, Uri> targets, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("nutrition-prometheus-");
        File.Copy(configuration, Path.Combine(directory.FullName, "prometheus.yml"));
        var rules = Directory.CreateDirectory(Path.Combine(directory.FullName, "rules"));
        foreach (var ruleFile in Directory.EnumerateFiles(rulesFolder, "*.yml"))
        {
            File.Copy(ruleFile, Path.Combine(rules.FullName, Path.GetFileName(ruleFile)));
        }
        Directory.CreateDirectory(Path.Combine(directory.FullName, "targets"));
        var fileSd = targets.Select(target => new { targets = new[] { target.Value.Authority }, labels = new { service = target.Key } });
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "targets", "services.json"), JsonSerializer.Serialize(fileSd), cancellationToken);

        var address = new Uri($"http://{Loopback.Address(Loopback.UnusedPort())}");
        var start = new ProcessStartInfo(Binary ?? throw new InvalidOperationException("Prometheus is not installed."),
            [
                $"--config.file={Path.Combine(directory.FullName, "prometheus.yml")}",
                $"--storage.tsdb.path={Path.Combine(directory.FullName, "data")}",
                $"--web.listen-address={address.Authority}",
            ])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var server = new PrometheusServer(Process.Start(start)!, directory, address);
        server._process.ErrorDataReceived += (_, line) => { lock (server._log) { server._log.AppendLine(line.Data); } };
        server._process.OutputDataReceived += (_, line) => { lock (server._log) { server._log.AppendLine(line.Data); } };
        server._process.BeginErrorReadLine();
        server._process.BeginOutputReadLine();
        return server;
    }

    /// <summary>Runs an instant query and returns its result vector.</summary>
    public async Task<JsonElement[]> QueryAsync(HttpClient http, string query, CancellationToken cancellationToken)
    {
        var json = await http.GetStringAsync(new Uri(Address, $"/api/v1/query?query={Uri.EscapeDataString(query)}"), cancellationToken);
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(result => result.Clone())];
    }

    /// <summary>The rule groups Prometheus loaded (<c>/api/v1/rules</c>), each with its rules and their evaluation health.</summary>
    public async Task<JsonElement[]> RuleGroupsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var json = await http.GetStringAsync(new Uri(Address, "/api/v1/rules"), cancellationToken);
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray().Select(group => group.Clone())];
    }

    /// <summary>Polls <paramref name="query"/> until <paramref name="done"/> holds for its result, or fails after <paramref name="timeout"/>.</summary>
    public Task<JsonElement[]> WaitForAsync(
        HttpClient http, string query, Func<JsonElement[], bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        JsonElement[] last = [];
        return Eventually.ReturnsAsync(
            async token =>
            {
                try
                {
                    last = await QueryAsync(http, query, token);
                    return done(last) ? last : null;
                }
                catch (HttpRequestException)
                {
                    return null; // Prometheus is still starting.
                }
            },
            timeout,
            () => $"`{query}` gave [{string.Join(", ", last.Select(r => r.ToString()))}].\n{Log()}",
            cancellationToken,
            TimeSpan.FromMilliseconds(500));
    }

    private string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _directory.Delete(recursive: true);
    }
}
