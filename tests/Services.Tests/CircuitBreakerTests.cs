using Microsoft.Extensions.Time.Testing;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.Services.Tests;

/// <summary>The per-dependency circuit breaker, on a clock the tests move.</summary>
public sealed class CircuitBreakerTests
{
    private static readonly TimeSpan s_breakDuration = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new();
    private readonly CircuitBreaker _breaker;

    public CircuitBreakerTests() => _breaker = new CircuitBreaker(3, s_breakDuration, _time);

    [Fact]
    public void OpensAfterTheThresholdOfFailuresInARow()
    {
        FailTimes(2);
        Assert.True(_breaker.TryEnter(out _, out _));

        FailTimes(1);

        Assert.True(_breaker.IsOpen);
        Assert.False(_breaker.TryEnter(out _, out var retryAfter));
        Assert.Equal(s_breakDuration, retryAfter);
    }

    [Fact]
    public void AnAnswerInBetweenStartsTheCountAgain()
    {
        FailTimes(2);
        Assert.True(_breaker.TryEnter(out var permit, out _));
        _breaker.Succeeded(permit);

        FailTimes(2);

        Assert.False(_breaker.IsOpen);
    }

    [Fact]
    public void AfterTheBreakOneProbePassesAndOthersWait()
    {
        FailTimes(3);
        _time.Advance(s_breakDuration - TimeSpan.FromMilliseconds(1));
        Assert.False(_breaker.TryEnter(out _, out _));

        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(_breaker.TryEnter(out var probe, out _));
        Assert.True(probe.IsProbe);
        Assert.False(_breaker.TryEnter(out _, out _));
    }

    [Fact]
    public void AProbeThatSucceedsClosesTheCircuit()
    {
        FailTimes(3);
        _time.Advance(s_breakDuration);
        _breaker.TryEnter(out var probe, out _);

        _breaker.Succeeded(probe);

        Assert.False(_breaker.IsOpen);
        Assert.True(_breaker.TryEnter(out var permit, out _));
        Assert.False(permit.IsProbe);
    }

    [Fact]
    public void AProbeThatFailsOpensTheCircuitForAnotherBreak()
    {
        FailTimes(3);
        _time.Advance(s_breakDuration);
        _breaker.TryEnter(out var probe, out _);

        _breaker.Failed(probe);

        Assert.False(_breaker.TryEnter(out _, out var retryAfter));
        Assert.Equal(s_breakDuration, retryAfter);
    }

    [Fact]
    public void AProbeCancelledByItsCallerLetsTheNextCallProbe()
    {
        FailTimes(3);
        _time.Advance(s_breakDuration);
        _breaker.TryEnter(out var probe, out _);

        _breaker.Abandoned(probe);

        Assert.True(_breaker.TryEnter(out var next, out _));
        Assert.True(next.IsProbe);
    }

    private void FailTimes(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(_breaker.TryEnter(out var permit, out _));
            _breaker.Failed(permit);
        }
    }
}
