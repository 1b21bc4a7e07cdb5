namespace NutritionAspire.Benchmarks;

/// <summary>Every process the benchmark starts; disposing it stops them all, whatever ended the run.</summary>
/// <param name="environment">Set in every process it starts, over the per-process variables.</param>
internal sealed class ProcessGroup(IReadOnlyDictionary<string, string?> environment) : IAsyncDisposable
{
    private readonly List<ServerProcess> _processes = [];

    public ServerProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> variables)
    {
        var process = ServerProcess.Start(name, fileName, arguments, workingDirectory,
            new Dictionary<string, string?>([.. variables, .. environment]));
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    /// <summary>Stops some of the processes now.</summary>
    public async Task StopAsync(IEnumerable<ServerProcess> processes)
    {
        var stopping = processes.ToList();
        lock (_processes)
        {
            _processes.RemoveAll(stopping.Contains);
        }

        await Task.WhenAll(stopping.Select(process => process.DisposeAsync().AsTask()));
    }

    public async ValueTask DisposeAsync()
    {
        ServerProcess[] processes;
        lock (_processes)
        {
            processes = [.. _processes];
            _processes.Clear();
        }

        await Task.WhenAll(processes.Select(process => process.DisposeAsync().AsTask()));
    }
}
