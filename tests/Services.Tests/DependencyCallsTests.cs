using System.Diagnostics;
using Grpc.Core;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.Services.Tests;

/// <summary>The retry of <see cref="DependencyCalls"/>: which failures are tried again, how often, and never past the deadline.</summary>
public sealed class DependencyCallsTests
{
    private static readonly GrpcDependencyOptions s_options = new() { CallTimeout = TimeSpan.FromSeconds(5), MaxAttempts = 3 };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUnavailableCallIsTriedUpToTheAttemptsThenReported()
    {
        using var calls = new DependencyCalls(DateTime.MaxValue, s_options, Cancellation);

        var (failure, attempts) = await FailEveryAttemptAsync(calls, attempt => new RpcException(new Status(StatusCode.Unavailable, $"attempt {attempt}")));

        Assert.Equal(3, attempts);
        Assert.Equal(StatusCode.Unavailable, failure.Status.StatusCode);
        Assert.Equal("attempt 3", failure.Status.Detail);
    }

    [Fact]
    public async Task EveryAttemptCarriesTheSameDeadline()
    {
        using var calls = new DependencyCalls(DateTime.MaxValue, s_options, Cancellation);
        List<DateTime?> deadlines = [];

        var answer = await calls.CallAsync("water-grpc", options =>
        {
            deadlines.Add(options.Deadline);
            return deadlines.Count < 3 ? Failing<string>(new RpcException(new Status(StatusCode.Unavailable, "restarting"))) : Answering("ok");
        });

        Assert.Equal("ok", answer);
        Assert.Equal(3, deadlines.Count);
        Assert.NotNull(deadlines[0]);
        Assert.All(deadlines, deadline => Assert.Equal(deadlines[0], deadline));
    }

    [Fact]
    public async Task AnOpenCircuitIsNotTriedAgain()
    {
        using var calls = new DependencyCalls(DateTime.MaxValue, s_options, Cancellation);

        var (failure, attempts) = await FailEveryAttemptAsync(calls, _ => new CircuitOpenException(new Status(StatusCode.Unavailable, "circuit open")));

        Assert.Equal(1, attempts);
        Assert.Equal("circuit open", failure.Status.Detail);
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.Internal)]
    public async Task OtherFailuresAreNotTriedAgain(StatusCode code)
    {
        using var calls = new DependencyCalls(DateTime.MaxValue, s_options, Cancellation);

        var (failure, attempts) = await FailEveryAttemptAsync(calls, _ => new RpcException(new Status(code, "no")));

        Assert.Equal(1, attempts);
        Assert.Equal(code, failure.Status.StatusCode);
    }

    [Fact]
    public async Task NoRetryWaitsPastTheDeadline()
    {
        // A deadline shorter than any backoff but the first: the calls end within it, however many attempts that allows.
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(150);
        using var calls = new DependencyCalls(deadline, new GrpcDependencyOptions { MaxAttempts = 10 }, Cancellation);
        var elapsed = Stopwatch.StartNew();

        await FailEveryAttemptAsync(calls, _ => new RpcException(new Status(StatusCode.Unavailable, "down")));

        Assert.True(DateTime.UtcNow < deadline + TimeSpan.FromMilliseconds(100), $"Retried until {elapsed.Elapsed} for a 150 ms deadline.");
    }

    /// <summary>Calls through <paramref name="calls"/> a dependency whose every attempt (counted from 1) fails with <paramref name="failure"/>.</summary>
    private static async Task<(DependencyFailedException Failure, int Attempts)> FailEveryAttemptAsync(
        DependencyCalls calls, Func<int, RpcException> failure)
    {
        var attempts = 0;
        var reported = await Assert.ThrowsAsync<DependencyFailedException>(() =>
            calls.CallAsync("water-grpc", _ => Failing<string>(failure(++attempts))));
        return (reported, attempts);
    }

    private static AsyncUnaryCall<T> Answering<T>(T answer) =>
        new(Task.FromResult(answer), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], static () => { });

    private static AsyncUnaryCall<T> Failing<T>(RpcException exception) =>
        new(Task.FromException<T>(exception), Task.FromResult(new Metadata()), () => exception.Status, () => exception.Trailers, static () => { });
}
