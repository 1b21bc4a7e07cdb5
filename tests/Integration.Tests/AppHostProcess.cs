using System.Diagnostics;
using System.Text;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>
/// The AppHost run the way a developer's IDE or shell runs it: its own process, started from its build output, with
/// the dashboard on free loopback ports and every service port picked by the orchestrator.
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    public const string StartedLine = "Distributed application started";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppHostProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Everything the AppHost wrote so far, standard output and error interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static AppHostProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(BuiltPrograms.AppHost)
        {
            WorkingDirectory = Path.Combine(RepositoryPaths.Root, "AppHost"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // What the AppHost's launch profile sets, on ports of this test's own.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://localhost:{Loopback.UnusedPort()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{Loopback.UnusedPort()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{Loopback.UnusedPort()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        // health-api's documented port (5080) may be taken by the developer's own run.
        start.Environment["DcpPublisher__RandomizePorts"] = "true";
        foreach (var inherited in new[] { "DEBUG_SESSION_PORT", "DEBUG_SESSION_TOKEN", "DEBUG_SESSION_SERVER_CERTIFICATE", "DEBUG_SESSION_INFO", "DOTNET_WATCH" })
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var appHost = new AppHostProcess(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {BuiltPrograms.AppHost}."));
        appHost._process.OutputDataReceived += (_, line) => appHost.Append(line.Data);
        appHost._process.ErrorDataReceived += (_, line) => appHost.Append(line.Data);
        appHost._process.BeginOutputReadLine();
        appHost._process.BeginErrorReadLine();
        return appHost;
    }

    /// <summary>Waits until the AppHost has written <paramref name="text"/>; fails with its output if it does not, or if it exits.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken) =>
        Eventually.ReturnsAsync<string>(_ =>
            {
                if (Output.Contains(text, StringComparison.Ordinal))
                {
                    return Task.FromResult<string?>(text);
                }

                return _process.HasExited
                    ? throw new InvalidOperationException($"The AppHost exited with {_process.ExitCode} before writing '{text}':\n{Output}")
                    : Task.FromResult<string?>(null);
            },
            timeout, () => $"the AppHost has not written '{text}':\n{Output}", cancellationToken);

    /// <summary>Stops the AppHost as a terminal or a service manager does (SIGTERM) and returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signal = await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            RepositoryPaths.Root, cancellationToken);
        if (signal.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM failed: {signal.Error}");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The AppHost did not stop within {timeout} of SIGTERM:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
