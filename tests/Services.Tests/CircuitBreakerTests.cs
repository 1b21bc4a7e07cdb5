using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using NutritionAspire.ServiceDefaults;
using Polly.CircuitBreaker;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// The circuit breaking of <see cref="DependencyResilience"/> (Polly's breaker and the <see cref="RecoveryGate"/>),
/// through its interceptor, on a clock the tests move. One attempt per call, so no retry waits.
/// </summary>
public sealed class CircuitBreakerTests
{
    private static readonly TimeSpan s_break = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_maxBreak = TimeSpan.FromSeconds(8);
    private const int RecoveryCalls = 2;
    private const int RecoverySuccesses = 3;

    private readonly FakeTimeProvider _time = new();
    private readonly DependencyResilience _resilience;
    private readonly ScriptedDependency _dependency;

    public CircuitBreakerTests()
    {
        _resilience = new DependencyResilience("imc-grpc", Options(), _time);
        _dependency = new ScriptedDependency(_resilience);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpensWhenTheFailuresOfTheWindowReachTheRatio()
    {
        await FailTimesAsync(2);
        Assert.Equal(CircuitState.Closed, _resilience.CircuitState);

        await FailTimesAsync(1);

        Assert.Equal(CircuitState.Open, _resilience.CircuitState);
        var refused = await Assert.ThrowsAsync<CircuitOpenException>(CallAsync);
        Assert.Equal((StatusCode.Unavailable, s_break), (refused.StatusCode, refused.RetryAfter));
        Assert.Equal(3, _dependency.Calls);
    }

    [Fact]
    public async Task AnswersInTheWindowKeepItClosed()
    {
        await AnswerTimesAsync(3);
        _dependency.Answer = _ => ScriptedDependency.Failing(StatusCode.Internal, "a bug is an answer too");
        await Assert.ThrowsAsync<RpcException>(CallAsync);

        await FailTimesAsync(2);

        Assert.Equal(CircuitState.Closed, _resilience.CircuitState);
    }

    [Fact]
    public async Task FailuresThatLeftTheWindowDoNotCount()
    {
        await FailTimesAsync(2);
        _time.Advance(TimeSpan.FromSeconds(1.5));

        await FailTimesAsync(1);

        Assert.Equal(CircuitState.Closed, _resilience.CircuitState);
    }

    [Fact]
    public async Task AfterTheBreakOneTrialPassesAndTheOthersAreRefused()
    {
        await OpenAsync();
        _time.Advance(s_break - TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<CircuitOpenException>(CallAsync);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var answer = new TaskCompletionSource<Contracts.Imc.Response>(TaskCreationOptions.RunContinuationsAsynchronously);
        _dependency.Answer = _ => answer.Task;
        var trial = CallAsync();

        await Assert.ThrowsAsync<CircuitOpenException>(CallAsync);
        Assert.Equal(4, _dependency.Calls);
        answer.SetResult(new());
        await trial;
    }

    [Fact]
    public async Task EachTrialThatFailsDoublesTheBreakUpToTheMaximum()
    {
        await OpenAsync();
        List<TimeSpan> breaks = [];
        var wait = s_break;
        for (var trial = 0; trial < 3; trial++)
        {
            _time.Advance(wait);
            await FailTimesAsync(1);
            wait = (await Assert.ThrowsAsync<CircuitOpenException>(CallAsync)).RetryAfter;
            breaks.Add(wait);
        }

        Assert.Equal([s_break * 2, s_break * 4, s_maxBreak], breaks);
    }

    [Fact]
    public async Task AfterASuccessfulTrialTheDependencyGetsBoundedCallsUntilItHasAnsweredEnoughForLongEnough()
    {
        await OpenAsync();
        _time.Advance(s_break);
        await AnswerTimesAsync(1);
        Assert.Equal(CircuitState.Closed, _resilience.CircuitState);
        Assert.True(_resilience.Gate.IsRecovering);

        // At most two calls at once; the third is refused without reaching the dependency.
        var (held, release) = Hold(RecoveryCalls);
        await Assert.ThrowsAsync<CircuitOpenException>(CallAsync);
        Assert.Equal(3 + 1 + RecoveryCalls, _dependency.Calls);
        release();
        await Task.WhenAll(held);

        // Answers enough (the trial and two) but not yet for long enough.
        Assert.True(_resilience.Gate.IsRecovering);
        _time.Advance(s_break);
        await AnswerTimesAsync(1);

        Assert.False(_resilience.Gate.IsRecovering);
        var (unbounded, releaseAll) = Hold(RecoveryCalls + 3);
        releaseAll();
        await Task.WhenAll(unbounded);
    }

    [Fact]
    public async Task AFailureWhileRecoveringStartsTheProofOver()
    {
        await OpenAsync();
        _time.Advance(s_break);
        await AnswerTimesAsync(RecoverySuccesses);
        _time.Advance(s_break);

        await FailTimesAsync(1);
        await AnswerTimesAsync(1);

        // The answers before the failure no longer count: long enough since the first after it, but one too few.
        Assert.True(_resilience.Gate.IsRecovering);
        _time.Advance(s_break);
        await AnswerTimesAsync(RecoverySuccesses - 2);
        Assert.True(_resilience.Gate.IsRecovering);
        await AnswerTimesAsync(1);
        Assert.False(_resilience.Gate.IsRecovering);
    }

    [Fact]
    public async Task ACallCancelledByItsCallerTellsNothingAboutTheDependency()
    {
        await OpenAsync();
        _time.Advance(s_break);
        _dependency.Answer = _ => ScriptedDependency.Failing(StatusCode.Cancelled, "the caller went away");

        await Assert.ThrowsAsync<RpcException>(CallAsync);
        _time.Advance(s_break);
        await Assert.ThrowsAsync<RpcException>(CallAsync);

        // Polly's breaker closes on any ending it does not count as a failure; the gate still holds the calls back.
        Assert.True(_resilience.Gate.IsRecovering);
        var (held, release) = Hold(RecoveryCalls);
        await Assert.ThrowsAsync<CircuitOpenException>(CallAsync);
        release();
        await Task.WhenAll(held);
    }

    /// <summary>
    /// A hard brown-out: the dependency stops for 2.5 s and runs for 0.1 s, over and over, while 64 callers keep
    /// asking (each 10 ms after its last answer) with a 2 s deadline. The first stall catches every caller in flight;
    /// after that at most <see cref="RecoveryCalls"/> callers per stall wait out the deadline, the others are refused
    /// at once. Once the dependency runs again for good, every call gets through again.
    /// </summary>
    [Fact]
    public async Task InAHardBrownOutFewAnswersWaitAFullDeadline()
    {
        var start = _time.GetUtcNow();
        var callTimeout = TimeSpan.FromSeconds(2);
        var (healthyBefore, stall, run, cycles) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(0.1), 6);
        var brownOutEnds = start + healthyBefore + (stall + run) * cycles;
        var end = brownOutEnds + TimeSpan.FromSeconds(12);
        var (blocked, stopped) = (0, 0);
        var (answers, fullDeadlines, lastSecondFailures) = (0, 0, 0);

        bool Stalled(DateTimeOffset now) =>
            now >= start + healthyBefore && now < brownOutEnds && (now - start - healthyBefore).Ticks % (stall + run).Ticks < stall.Ticks;
        DateTimeOffset StallEnds(DateTimeOffset now) =>
            now + stall - TimeSpan.FromTicks((now - start - healthyBefore).Ticks % (stall + run).Ticks);

        // Completes after a while on the fake clock; counted as blocked until then, so the clock moves only when
        // every caller waits on it. A timer is created under the lock the clock is advanced under: created during an
        // advance, it could fire other callers' timers on this thread while the advance returns, and the clock would run
        // ahead of callers that have not seen its last tick.
        var clock = new Lock();
        async Task After(TimeSpan wait)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ITimer timer;
            lock (clock)
            {
                Interlocked.Increment(ref blocked);
                timer = _time.CreateTimer(_ =>
                {
                    Interlocked.Decrement(ref blocked);
                    done.SetResult();
                }, null, wait, Timeout.InfiniteTimeSpan);
            }

            using (timer)
            {
                await done.Task;
            }
        }

        _dependency.Answer = async options =>
        {
            var now = _time.GetUtcNow();
            if (!Stalled(now))
            {
                return new Contracts.Imc.Response();
            }

            var deadline = new DateTimeOffset(options.Deadline!.Value);
            var answered = StallEnds(now) < deadline;
            await After((answered ? StallEnds(now) : deadline) - now);
            return answered ? new Contracts.Imc.Response() : throw new RpcException(new Status(StatusCode.DeadlineExceeded, ""));
        };

        var callers = Enumerable.Range(0, 64).Select(async _ =>
        {
            await Task.Yield();
            while (_time.GetUtcNow() < end)
            {
                var started = _time.GetUtcNow();
                var failed = false;
                try
                {
                    await _dependency.Client.SayHelloAsync(new(), deadline: started.UtcDateTime + callTimeout, cancellationToken: Cancellation);
                }
                catch (RpcException)
                {
                    failed = true;
                }

                var waited = _time.GetUtcNow() - started;
                Interlocked.Increment(ref answers);
                if (waited >= callTimeout)
                {
                    Interlocked.Increment(ref fullDeadlines);
                }

                if (failed && started >= end - TimeSpan.FromSeconds(1))
                {
                    Interlocked.Increment(ref lastSecondFailures);
                }

                await After(TimeSpan.FromMilliseconds(10));
            }

            Interlocked.Increment(ref stopped);
        }).ToList();

        while (Volatile.Read(ref stopped) < callers.Count)
        {
            await WaitUntilAsync(() => Volatile.Read(ref blocked) + Volatile.Read(ref stopped) == callers.Count, "every caller waits on the clock");
            lock (clock)
            {
                _time.Advance(TimeSpan.FromMilliseconds(10));
            }
        }

        await Task.WhenAll(callers);

        TestContext.Current.SendDiagnosticMessage($"Brown-out: {fullDeadlines} of {answers} answers waited a full deadline over {(_time.GetUtcNow() - start).TotalSeconds:0.0} s of the clock; recovering at the end: {_resilience.Gate.IsRecovering}, circuit {_resilience.CircuitState}.");
        Assert.True(fullDeadlines <= 64 + RecoveryCalls * (cycles - 1),
            $"{fullDeadlines} of {answers} answers waited a full deadline in {cycles} stalls.");
        Assert.True(fullDeadlines < answers / 100, $"{fullDeadlines} of {answers} answers waited a full deadline.");
        Assert.Equal(0, lastSecondFailures);
        Assert.False(_resilience.Gate.IsRecovering);
    }

    private static GrpcDependencyOptions Options() => new()
    {
        MaxAttempts = 1,
        CircuitBreakerFailureRatio = 0.5,
        CircuitBreakerMinimumCalls = 3,
        CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(1),
        CircuitBreakDuration = s_break,
        CircuitMaxBreakDuration = s_maxBreak,
        CircuitRecoveryCalls = RecoveryCalls,
        CircuitRecoverySuccesses = RecoverySuccesses,
    };

    private Task<Contracts.Imc.Response> CallAsync() =>
        _dependency.Client.SayHelloAsync(new(), deadline: DateTime.MaxValue, cancellationToken: Cancellation).ResponseAsync;

    private async Task OpenAsync()
    {
        await FailTimesAsync(3);
        Assert.Equal(CircuitState.Open, _resilience.CircuitState);
    }

    private async Task FailTimesAsync(int count)
    {
        _dependency.Answer = _ => ScriptedDependency.Failing(StatusCode.DeadlineExceeded, "");
        for (var i = 0; i < count; i++)
        {
            await Assert.ThrowsAsync<RpcException>(CallAsync);
        }
    }

    private async Task AnswerTimesAsync(int count)
    {
        _dependency.Answer = _ => ScriptedDependency.Answering();
        for (var i = 0; i < count; i++)
        {
            await CallAsync();
        }
    }

    /// <summary>Starts <paramref name="count"/> calls that the dependency holds until released; each must reach it.</summary>
    private (List<Task<Contracts.Imc.Response>> Calls, Action Release) Hold(int count)
    {
        var answer = new TaskCompletionSource<Contracts.Imc.Response>(TaskCreationOptions.RunContinuationsAsynchronously);
        _dependency.Answer = _ => answer.Task;
        var before = _dependency.Calls;
        var calls = Enumerable.Range(0, count).Select(_ => CallAsync()).ToList();
        Assert.Equal(before + count, _dependency.Calls);
        return (calls, () => answer.SetResult(new()));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Yield();
            Assert.False(timeout.IsCancellationRequested, $"Timed out waiting until {what}.");
        }
    }
}
