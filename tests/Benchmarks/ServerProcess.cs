using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NutritionAspire.Benchmarks;

/// <summary>
/// A process the benchmark started and must stop: its output is kept (the last lines, for error messages), and its
/// CPU time and resident memory can be read at any moment.
/// </summary>
internal sealed partial class ServerProcess : IMeasuredProcess, IAsyncDisposable
{
    private const int KeptLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private ServerProcess(string name, Process process) => (Name, _process) = (name, process);

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ServerProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        // Nothing of the caller's telemetry or environment settings leaks into what is measured.
        foreach (var key in start.Environment.Keys.Where(key => key.StartsWith("OTEL_", StringComparison.Ordinal)
                     || key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key.StartsWith("DOTNET_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var server = new ServerProcess(name, Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}."));
        server._process.OutputDataReceived += (_, line) => server.Keep(line.Data);
        server._process.ErrorDataReceived += (_, line) => server.Keep(line.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    public TimeSpan CpuTime => IMeasuredProcess.CpuTimeOf(_process);

    public long ResidentBytes => IMeasuredProcess.ResidentBytesOf(_process);

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public string LastLines()
    {
        lock (_lastLines)
        {
            return string.Join('\n', _lastLines);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > KeptLines)
            {
                _lastLines.Dequeue();
            }
        }
    }

    /// <summary>
    /// Asks the process and everything it started to stop (SIGINT, as Ctrl+C in a terminal would), and kills what is
    /// left after a grace period.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var tree = OperatingSystem.IsLinux() ? [_process.Id, .. Descendants(_process.Id)] : new List<int> { _process.Id };
        if (!_process.HasExited)
        {
            if (OperatingSystem.IsWindows())
            {
                _process.Kill(entireProcessTree: true);
            }
            else
            {
                foreach (var id in tree)
                {
                    _ = SendSignal(id, SignalInterrupt);
                }
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        // Children the process left behind (for example the services of an AppHost killed before it stopped them).
        foreach (var id in tree.Skip(1))
        {
            try
            {
                using var orphan = Process.GetProcessById(id);
                orphan.Kill(entireProcessTree: true);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }

        _process.Dispose();
    }

    /// <summary>The ids of every process below <paramref name="root"/>, read from <c>/proc</c>.</summary>
    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
                if (int.TryParse(Path.GetFileName(directory), out var id))
                {
                    var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    parents[id] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        var found = new List<int>();
        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var (child, _) in parents.Where(entry => entry.Value == parent))
            {
                found.Add(child);
                pending.Enqueue(child);
            }
        }

        return found;
    }

    private const int SignalInterrupt = 2;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
