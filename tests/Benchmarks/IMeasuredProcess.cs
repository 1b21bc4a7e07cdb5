using System.Diagnostics;

namespace NutritionAspire.Benchmarks;

/// <summary>A process whose CPU time and resident memory the benchmark reads.</summary>
internal interface IMeasuredProcess
{
    string Name { get; }

    TimeSpan CpuTime { get; }

    /// <summary>Resident set size in bytes (VmRSS on Linux).</summary>
    long ResidentBytes { get; }

    static TimeSpan CpuTimeOf(Process process)
    {
        process.Refresh();
        return process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime;
    }

    static long ResidentBytesOf(Process process)
    {
        process.Refresh();
        return process.HasExited ? 0 : process.WorkingSet64;
    }
}

/// <summary>A process someone else started (the AppHost's services), found by name and only read.</summary>
internal sealed class ObservedProcess(string name, Process process) : IMeasuredProcess, IDisposable
{
    public string Name { get; } = name;

    public TimeSpan CpuTime => IMeasuredProcess.CpuTimeOf(process);

    public long ResidentBytes => IMeasuredProcess.ResidentBytesOf(process);

    public void Dispose() => process.Dispose();
}
