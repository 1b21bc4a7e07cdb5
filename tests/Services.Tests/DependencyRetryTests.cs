using System.Diagnostics;
using Grpc.Core;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// The retry of <see cref="DependencyResilience"/>, through its interceptor: which failures are tried again, how often,
/// and never past the deadline. Real time: the waits between attempts are at most 100 and 200 ms.
/// </summary>
public sealed class DependencyRetryTests
{
    /// <summary>Three attempts, and a circuit that does not open in these tests unless one asks for it.</summary>
    private static GrpcDependencyOptions Options(int maxAttempts = 3, int minimumCalls = 100) =>
        new() { CallTimeout = TimeSpan.FromSeconds(5), MaxAttempts = maxAttempts, CircuitBreakerMinimumCalls = minimumCalls, CircuitBreakerFailureRatio = 1 };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUnavailableCallIsTriedUpToTheAttemptsThenReported()
    {
        var dependency = Dependency(Options());
        dependency.Answer = _ => ScriptedDependency.Failing(StatusCode.Unavailable, $"attempt {dependency.Calls}");

        var failure = await Assert.ThrowsAsync<RpcException>(() => CallAsync(dependency, DateTime.UtcNow.AddSeconds(30)));

        Assert.Equal(3, dependency.Calls);
        Assert.Equal((StatusCode.Unavailable, "attempt 3"), (failure.StatusCode, failure.Status.Detail));
    }

    [Fact]
    public async Task EveryAttemptCarriesTheSameDeadline()
    {
        var dependency = Dependency(Options());
        List<DateTime?> deadlines = [];
        dependency.Answer = options =>
        {
            deadlines.Add(options.Deadline);
            return deadlines.Count < 3 ? ScriptedDependency.Failing(StatusCode.Unavailable, "restarting") : ScriptedDependency.Answering();
        };
        var deadline = DateTime.UtcNow.AddSeconds(30);

        var answer = await CallAsync(dependency, deadline);

        Assert.Equal(1, answer.Imc);
        Assert.Equal([deadline, deadline, deadline], deadlines);
    }

    [Fact]
    public async Task ACallRefusedByTheOpenCircuitIsNotTriedAgain()
    {
        var resilience = new DependencyResilience("imc-grpc", Options(minimumCalls: 2), TimeProvider.System);
        var dependency = new ScriptedDependency(resilience) { Answer = _ => ScriptedDependency.Failing(StatusCode.DeadlineExceeded) };
        await Assert.ThrowsAsync<RpcException>(() => CallAsync(dependency, DateTime.MaxValue));
        await Assert.ThrowsAsync<RpcException>(() => CallAsync(dependency, DateTime.MaxValue));
        var callsWhenOpened = dependency.Calls;

        var refused = await Assert.ThrowsAsync<CircuitOpenException>(() => CallAsync(dependency, DateTime.MaxValue));

        Assert.Equal(callsWhenOpened, dependency.Calls);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(1), Options().CircuitBreakDuration);
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.Internal)]
    public async Task OtherFailuresAreNotTriedAgain(StatusCode code)
    {
        var dependency = Dependency(Options());
        dependency.Answer = _ => ScriptedDependency.Failing(code);

        var failure = await Assert.ThrowsAsync<RpcException>(() => CallAsync(dependency, DateTime.UtcNow.AddSeconds(30)));

        Assert.Equal(1, dependency.Calls);
        Assert.Equal(code, failure.StatusCode);
    }

    [Fact]
    public async Task NoRetryWaitsPastTheDeadline()
    {
        // A deadline shorter than any backoff but the first: the call ends within it, however many attempts that allows.
        var dependency = Dependency(Options(maxAttempts: 10));
        dependency.Answer = _ => ScriptedDependency.Failing(StatusCode.Unavailable, "down");
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(150);
        var elapsed = Stopwatch.StartNew();

        await Assert.ThrowsAsync<RpcException>(() => CallAsync(dependency, deadline));

        Assert.True(DateTime.UtcNow < deadline + TimeSpan.FromMilliseconds(100), $"Retried until {elapsed.Elapsed} for a 150 ms deadline.");
    }

    [Fact]
    public async Task ACallerThatGoesAwayDuringTheWaitEndsTheCallAsCancelled()
    {
        var dependency = Dependency(Options(maxAttempts: 10));
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        dependency.Answer = _ =>
        {
            caller.Cancel();
            return ScriptedDependency.Failing(StatusCode.Unavailable, "down");
        };

        var failure = await Assert.ThrowsAsync<RpcException>(() =>
            dependency.Client.SayHelloAsync(new(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: caller.Token).ResponseAsync);

        Assert.Equal(StatusCode.Cancelled, failure.StatusCode);
        Assert.Equal(1, dependency.Calls);
    }

    private static ScriptedDependency Dependency(GrpcDependencyOptions options) =>
        new(new DependencyResilience("imc-grpc", options, TimeProvider.System));

    private static Task<Contracts.Imc.Response> CallAsync(ScriptedDependency dependency, DateTime deadline) =>
        dependency.Client.SayHelloAsync(new(), deadline: deadline, cancellationToken: Cancellation).ResponseAsync;
}
