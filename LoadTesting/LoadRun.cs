using System.Diagnostics;
using HdrHistogram;

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
/// A load test over a fixed number of keep-alive connections, each sending one request at a time, for a bounded time:
/// closed-loop (the next request as soon as the previous one is answered) or paced (at a fixed total rate). A warm-up
/// run and a measured run can share the connections.
/// </summary>
/// <remarks>
/// Closed-loop latencies are those of the requests sent. A closed loop has no schedule, so a stall delays the requests
/// that would have followed it instead of being recorded against them (coordinated omission), and there is no intended
/// send time to correct them by: read the percentiles as service times under this concurrency, not as what a client
/// sending at a fixed rate would see. A paced run has that schedule, and measures each latency from it.
/// </remarks>
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
    public Task<LoadResult> RunAsync(string name, TimeSpan duration, CancellationToken cancellationToken) =>
        RunAsync(name, duration, requestsPerSecond: null, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync(string, TimeSpan, CancellationToken)"/>, but the connections together send
    /// <paramref name="requestsPerSecond"/>, evenly spread: each connection sends on a schedule of its own, and each
    /// latency is measured from the time the schedule gave the request, so a stall counts against every request it delayed.
    /// </summary>
    public Task<LoadResult> RunAtRateAsync(string name, TimeSpan duration, double requestsPerSecond, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        return RunAsync(name, duration, requestsPerSecond, cancellationToken);
    }

    private async Task<LoadResult> RunAsync(string name, TimeSpan duration, double? requestsPerSecond, CancellationToken cancellationToken)
    {
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hardStop.CancelAfter(duration + Grace);
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        // Paced: each connection sends every `interval`, the connections' first sends spread over one interval.
        var interval = requestsPerSecond is { } rate ? (long)(_connections.Length * Stopwatch.Frequency / rate) : 0;
        var workers = await Task.WhenAll(_connections.Select((connection, index) =>
        {
            var firstSend = started + (interval * index / _connections.Length);
            return Task.Run(() => WorkAsync(connection, firstSend, interval, end, hardStop.Token), CancellationToken.None);
        }));
        var elapsed = Stopwatch.GetElapsedTime(started);
        cancellationToken.ThrowIfCancellationRequested();

        var latencies = NewLatencyHistogram();
        foreach (var worker in workers)
        {
            latencies.Add(worker.Latencies);
        }

        return new LoadResult(
            name,
            _connections.Length,
            elapsed,
            latencies.TotalCount,
            workers.Sum(worker => worker.Errors),
            workers.Select(worker => worker.FirstError).FirstOrDefault(error => error is not null),
            Percentile(latencies, 50),
            Percentile(latencies, 90),
            Percentile(latencies, 99));
    }

    /// <summary>
    /// Latencies in <see cref="Stopwatch"/> ticks from a microsecond to an hour, to two significant digits (1 %): under
    /// 30 KB, so each connection records into one of its own without locks.
    /// </summary>
    private static LongHistogram NewLatencyHistogram() =>
        new(Math.Max(Stopwatch.Frequency / 1_000_000, 1), Stopwatch.Frequency * 3600, numberOfSignificantValueDigits: 2);

    /// <summary>The latency below which <paramref name="percentile"/> % of the recorded ones lie; zero when empty.</summary>
    private static TimeSpan Percentile(LongHistogram latencies, double percentile) =>
        latencies.TotalCount == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, latencies.GetValueAtPercentile(percentile));

    /// <summary>One connection's requests: closed-loop when <paramref name="interval"/> is 0, else one every interval from <paramref name="firstSend"/>.</summary>
    private static async Task<WorkerResult> WorkAsync(ILoadConnection connection, long firstSend, long interval, long end, CancellationToken hardStop)
    {
        var result = new WorkerResult();
        var sent = interval == 0 ? Stopwatch.GetTimestamp() : firstSend;
        while (sent < end && !hardStop.IsCancellationRequested)
        {
            string? error;
            try
            {
                if (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), sent) is { Ticks: > 0 } untilSend)
                {
                    await Task.Delay(untilSend, hardStop);
                }

                error = await connection.SendAsync(hardStop);
            }
            catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
            {
                error = "no answer before the end of the run";
            }

            var answered = Stopwatch.GetTimestamp();
            // A request is bounded by the run's hard stop, far below the histogram's hour; the clamp keeps a
            // suspended process from making the recording throw, and a paced request whose timer fired a tick early
            // and was answered within it from counting below zero.
            result.Latencies.RecordValue(Math.Clamp(answered - sent, 0, result.Latencies.HighestTrackableValue));
            if (error is not null)
            {
                result.Errors++;
                result.FirstError ??= error;
            }

            sent = interval == 0 ? answered : sent + interval;
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
        public LongHistogram Latencies { get; } = NewLatencyHistogram();

        public long Errors { get; set; }

        public string? FirstError { get; set; }
    }
}
