namespace NutritionAspire.LoadTesting.Tests;

/// <summary>The load generator against scripted connections: what it counts, and latencies in real time.</summary>
public sealed class LoadRunTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryAnswerIsCountedAndEveryFailureIsCountedWithTheFirstNamed()
    {
        var connections = new List<ScriptedConnection>();
        await using var run = LoadRun.Open(() =>
        {
            // Every fourth request of a connection fails.
            var connection = new ScriptedConnection(call => call % 4 == 3 ? "HTTP 500" : null, slowEvery: 0, TimeSpan.Zero);
            connections.Add(connection);
            return connection;
        }, connections: 3);

        var result = await run.RunAsync("scripted", TimeSpan.FromMilliseconds(300), Cancellation);

        Assert.Equal("scripted", result.Name);
        Assert.Equal(3, result.Connections);
        Assert.Equal(3, connections.Count);
        Assert.Equal(connections.Sum(connection => connection.Calls), result.Requests);
        Assert.Equal(connections.Sum(connection => connection.Calls / 4), result.Errors);
        Assert.True(result.Errors > 0, $"{result.Requests} requests");
        Assert.Equal("HTTP 500", result.FirstError);
        Assert.True(result.Elapsed >= TimeSpan.FromMilliseconds(300), result.Elapsed.ToString());
    }

    [Fact]
    public async Task ThePercentilesAreTheLatenciesOfTheRequestsInRealTime()
    {
        // One request in five waits 60 ms, the others answer at once: the median is fast, p90 and p99 are slow.
        var slow = TimeSpan.FromMilliseconds(60);
        await using var run = LoadRun.Open(() => new ScriptedConnection(_ => null, slowEvery: 5, slow), connections: 2);

        var result = await run.RunAsync("scripted", TimeSpan.FromSeconds(1), Cancellation);

        Assert.Equal(0, result.Errors);
        Assert.True(result.Requests >= 10, $"{result.Requests} requests");
        // A timer may fire up to its millisecond tick early; the histogram keeps a value to 1 %.
        var atLeastSlow = slow - TimeSpan.FromMilliseconds(2);
        Assert.True(result.P50 < atLeastSlow, $"p50 {result.P50}");
        Assert.True(result.P90 >= atLeastSlow, $"p90 {result.P90}");
        Assert.True(result.P99 >= result.P90, $"p90 {result.P90}, p99 {result.P99}");
        // The histogram's ticks are read as time: a misread unit would make the 60 ms request seconds long.
        Assert.True(result.P99 < TimeSpan.FromSeconds(2), $"p99 {result.P99}");
    }

    [Fact]
    public async Task APacedRunSendsAtItsRateWhateverTheAnswersTake()
    {
        // 200 requests a second over four connections: one every 20 ms on each, 50 each in the second.
        await using var run = LoadRun.Open(() => new ScriptedConnection(_ => null, slowEvery: 0, TimeSpan.Zero), connections: 4);

        var result = await run.RunAtRateAsync("paced", TimeSpan.FromSeconds(1), requestsPerSecond: 200, Cancellation);

        // A connection's first send is offset by up to one interval, so the last one may fall after the end.
        Assert.InRange(result.Requests, 196, 200);
        Assert.Equal(0, result.Errors);
    }

    [Fact]
    public async Task APacedRunCountsAStallAgainstEveryRequestItHeldUp()
    {
        // One connection at 100 requests a second; its 50th request takes 200 ms. The twenty requests scheduled during
        // the stall go out late, and their latencies count from their scheduled times: well over a tenth are slow,
        // where a closed loop would have recorded one slow request.
        var slow = TimeSpan.FromMilliseconds(200);
        await using var run = LoadRun.Open(() => new ScriptedConnection(_ => null, slowEvery: 50, slow), connections: 1);

        var result = await run.RunAtRateAsync("paced", TimeSpan.FromSeconds(1.5), requestsPerSecond: 100, Cancellation);

        Assert.InRange(result.Requests, 149, 150);
        Assert.True(result.P90 >= TimeSpan.FromMilliseconds(50), $"p90 {result.P90}");
        Assert.True(result.P99 >= slow - TimeSpan.FromMilliseconds(2), $"p99 {result.P99}");
    }

    /// <summary>A connection that answers from a script: its call number decides the error, and every n-th call waits.</summary>
    private sealed class ScriptedConnection(Func<long, string?> errorOf, int slowEvery, TimeSpan slow) : ILoadConnection
    {
        public long Calls { get; private set; }

        public async ValueTask<string?> SendAsync(CancellationToken cancellationToken)
        {
            var call = Calls++;
            if (slowEvery > 0 && call % slowEvery == slowEvery - 1)
            {
                await Task.Delay(slow, cancellationToken);
            }
            else
            {
                await Task.Yield();
            }

            return errorOf(call);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
