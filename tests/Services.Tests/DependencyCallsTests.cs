using Grpc.Core;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.Services.Tests;

/// <summary><see cref="DependencyCalls"/>: each call's deadline, and what a failure tells (never the dependency's own text).</summary>
public sealed class DependencyCallsTests
{
    private static readonly GrpcDependencyOptions s_options = new() { CallTimeout = TimeSpan.FromSeconds(5) };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachCallHasTheSoonerOfItsTimeoutAndTheOverallDeadline()
    {
        var overall = DateTime.UtcNow.AddSeconds(1);
        using var calls = new DependencyCalls(overall, s_options, Cancellation);
        CallOptions? sent = null;

        await calls.CallAsync("imc-grpc", options =>
        {
            sent = options;
            return Answering("ok");
        });

        Assert.Equal(overall, sent?.Deadline);
    }

    [Fact]
    public async Task WithoutAnOverallDeadlineEachCallHasItsTimeout()
    {
        using var calls = new DependencyCalls(DateTime.MaxValue, s_options, Cancellation);
        CallOptions? sent = null;
        var before = DateTime.UtcNow;

        await calls.CallAsync("imc-grpc", options =>
        {
            sent = options;
            return Answering("ok");
        });

        Assert.InRange(sent!.Value.Deadline!.Value, before + s_options.CallTimeout, DateTime.UtcNow + s_options.CallTimeout);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, "", "imc-grpc: unavailable")]
    [InlineData(StatusCode.DeadlineExceeded, "", "imc-grpc: no answer within the deadline")]
    [InlineData(StatusCode.Unavailable, "water-grpc: circuit open: water-grpc kept failing; calls are refused for 1.6 s more", "imc-grpc: unavailable")]
    [InlineData(StatusCode.Internal, "System.NullReferenceException: at Imc.Calculate() in /src/Imc.cs:line 12", "imc-grpc: failed (Internal)")]
    public async Task AFailureIsSummedUpInOurWordsNamingOnlyTheDependency(StatusCode code, string detail, string summary)
    {
        using var calls = new DependencyCalls(DateTime.MaxValue, s_options, Cancellation);

        var failure = await Assert.ThrowsAsync<DependencyFailedException>(() =>
            calls.CallAsync("imc-grpc", _ => Failing<string>(new RpcException(new Status(code, detail)))));

        Assert.Equal(summary, failure.Summary);
        Assert.Null(failure.CircuitOpenFor);
    }

    [Fact]
    public async Task ARefusalByTheCircuitCarriesTheTimeUntilATrial()
    {
        using var calls = new DependencyCalls(DateTime.MaxValue, s_options, Cancellation);

        var failure = await Assert.ThrowsAsync<DependencyFailedException>(() =>
            calls.CallAsync("imc-grpc", _ => Failing<string>(new CircuitOpenException("imc-grpc", TimeSpan.FromSeconds(1.6)))));

        Assert.Equal(TimeSpan.FromSeconds(1.6), failure.CircuitOpenFor);
        Assert.Equal("imc-grpc: circuit open after repeated failures", failure.Summary);
    }

    [Fact]
    public async Task TheFirstFailureCancelsTheOtherCallsAndIsTheOneReported()
    {
        using var calls = new DependencyCalls(DateTime.MaxValue, s_options, Cancellation);
        var slowCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = calls.CallAsync("bmr-grpc", options =>
        {
            var response = Task.Delay(Timeout.InfiniteTimeSpan, options.CancellationToken).ContinueWith<string>(
                _ =>
                {
                    slowCancelled.SetResult();
                    throw new RpcException(new Status(StatusCode.Cancelled, "cancelled"));
                },
                TaskScheduler.Default);
            return new AsyncUnaryCall<string>(response, Task.FromResult(new Metadata()), () => Status.DefaultCancelled, () => [], static () => { });
        });
        var failing = calls.CallAsync("imc-grpc", _ => Failing<string>(new RpcException(new Status(StatusCode.Internal, "bug"))));

        var reported = await Assert.ThrowsAsync<DependencyFailedException>(() => calls.WhenAll(slow, failing));

        Assert.Equal("imc-grpc", reported.Dependency);
        await slowCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
    }

    private static AsyncUnaryCall<T> Answering<T>(T answer) =>
        new(Task.FromResult(answer), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], static () => { });

    private static AsyncUnaryCall<T> Failing<T>(RpcException exception) =>
        new(Task.FromException<T>(exception), Task.FromResult(new Metadata()), () => exception.Status, () => exception.Trailers, static () => { });
}
