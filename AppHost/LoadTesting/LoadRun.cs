using System.Diagnostics;

namespace NutritionAspire.LoadTesting;

/// <summary>What one timed run of a load test measured.</summary>
/// <param name="Name">What was loaded, such as <c>chain POST /calculator</c>.</param>
/// <param name="Connections">Connections, each sending one request at a time.</param>
/// <param name="Requests">Requests answered in the run, failures included.</param>
/// <param name="Errors">Requests that failed: a non-2xx status, a broken connection or a failed call.</param>
/// <param name="FirstError">What the first failure was, if any.</param>
public sealed record LoadResult(
    string Name,
    int Connections,
    TimeSpan Elapsed,
    long Requests,
    long Errors,
    string? FirstError,
    TimeSpan P50,
    TimeSpan P90,
    TimeSpan P99)
{
    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// A closed-loop load test: a fixed number of keep-alive connections, each sending its next request as soon as the
/// previous one is answered, for a bounded time. A warm-up run and a measured run can share the connections.
/// </summary>
public sealed class LoadRun : IAsyncDisposable
{
    private readonly ILoadConnection[] _connections;

    private LoadRun(ILoadConnection[] connections) => _connections = connections;

    public static LoadRun Open(Func<ILoadConnection> connect, int connections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        return new LoadRun([.. Enumerable.Range(0, connections).Select(_ => connect())]);
    }

    /// <summary>The longest a request may still take once the run's time is up.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Loads the target for <paramref name="duration"/>: the requests in flight when the time is up are awaited (for at
    /// most <see cref="Grace"/>) and counted, so the connections stay usable for the next run.
    /// </summary>
    public async Task<LoadResult> RunAsync(string name, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hardStop.CancelAfter(duration + Grace);
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = await Task.WhenAll(_connections.Select(connection =>
            Task.Run(() => WorkAsync(connection, end, hardStop.Token), CancellationToken.None)));
        var elapsed = Stopwatch.GetElapsedTime(started);
        cancellationToken.ThrowIfCancellationRequested();

        var latencies = new LatencyHistogram();
        foreach (var worker in workers)
        {
            latencies.Add(worker.Latencies);
        }

        return new LoadResult(
            name,
            _connections.Length,
            elapsed,
            latencies.Count,
            workers.Sum(worker => worker.Errors),
            workers.Select(worker => worker.FirstError).FirstOrDefault(error => error is not null),
            latencies.Percentile(50),
            latencies.Percentile(90),
            latencies.Percentile(99));
    }

    private static async Task<WorkerResult> WorkAsync(ILoadConnection connection, long end, CancellationToken hardStop)
    {
        var result = new WorkerResult();
        var sent = Stopwatch.GetTimestamp();
        while (sent < end && !hardStop.IsCancellationRequested)
        {
            string? error;
            try
            {
                error = await connection.SendAsync(hardStop);
            }
            catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
            {
                error = "no answer before the end of the run";
            }

            var answered = Stopwatch.GetTimestamp();
            result.Latencies.Record(answered - sent);
            if (error is not null)
            {
                result.Errors++;
                result.FirstError ??= error;
            }

            sent = answered;
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    private sealed class WorkerResult
    {
        public LatencyHistogram Latencies { get; } = new();

        public long Errors { get; set; }

        public string? FirstError { get; set; }
    }
}
