using Grpc.Core;
using Polly;
using Polly.CircuitBreaker;

namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// What a dependency's circuit breaking needs beyond Polly's breaker: once the circuit has opened, the dependency
/// gets at most <c>maxCalls</c> calls at once until it has answered <c>successesToClose</c> calls in a row over at
/// least <c>provingTime</c>; a failure starts the count over. Calls over the limit are refused at once, like calls
/// to an open circuit.
/// </summary>
/// <remarks>
/// Polly's breaker closes on one successful trial call and then lets every call through. A dependency in a hard
/// brown-out (stopped for seconds, running for a tenth of one, over and over) answers that trial in a running window,
/// and every request in flight then waits out its full deadline before enough failures open the circuit again. Here
/// those requests are refused at once instead, and only the few calls let through wait: the share of answers that
/// wait a full deadline stays small. The proving time must span a stall: a call that hangs in it fails at its deadline
/// and starts the count over, so answers from short running windows never add up to a recovery.
/// </remarks>
public sealed class RecoveryGate(string dependency, int maxCalls, int successesToClose, TimeSpan provingTime, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private volatile bool _recovering;
    private int _inFlight;
    private int _successes;
    private long _firstSuccess;

    /// <summary>Whether calls are limited because the circuit opened and the dependency has not yet proven itself.</summary>
    public bool IsRecovering => _recovering;

    /// <summary>The circuit opened: limit the calls until the dependency proves itself.</summary>
    internal void Recover()
    {
        lock (_lock)
        {
            _recovering = true;
            _successes = 0;
        }
    }

    /// <summary>Lets a call through, or refuses it while <c>maxCalls</c> are already on their way to a recovering dependency.</summary>
    internal bool TryEnter(out bool limited)
    {
        limited = false;
        if (!_recovering)
        {
            return true;
        }

        lock (_lock)
        {
            if (!_recovering)
            {
                return true;
            }

            if (_inFlight >= maxCalls)
            {
                return false;
            }

            _inFlight++;
            limited = true;
            return true;
        }
    }

    /// <summary>A call ended; <paramref name="limited"/> is what <see cref="TryEnter"/> said of it.</summary>
    internal void Exit(bool limited, Exception? exception)
    {
        if (!limited && !_recovering)
        {
            return;
        }

        lock (_lock)
        {
            if (limited)
            {
                _inFlight--;
            }

            if (!_recovering)
            {
                return;
            }

            switch (Classify(exception))
            {
                case Ending.Failed:
                    _successes = 0;
                    break;
                case Ending.Answered:
                    var now = timeProvider.GetTimestamp();
                    if (_successes++ == 0)
                    {
                        _firstSuccess = now;
                    }

                    if (_successes >= successesToClose && timeProvider.GetElapsedTime(_firstSuccess, now) >= provingTime)
                    {
                        _recovering = false;
                    }

                    break;
            }
        }
    }

    /// <summary>The refusal of a call over the limit; a slot frees as soon as a call ends, so no wait is given.</summary>
    internal CircuitOpenException Refusal() => new(dependency, TimeSpan.Zero);

    private static Ending Classify(Exception? exception) => exception switch
    {
        null => Ending.Answered,
        BrokenCircuitException or OperationCanceledException => Ending.Unknown,
        RpcException { StatusCode: StatusCode.Cancelled } => Ending.Unknown,
        _ when DependencyResilience.IsFailure(exception) => Ending.Failed,
        // Any other answer, even an error, shows the dependency is there.
        _ => Ending.Answered,
    };

    private enum Ending
    {
        Answered,
        Failed,

        /// <summary>Refused by the open circuit, or cancelled by the caller: nothing learnt about the dependency.</summary>
        Unknown,
    }

    /// <summary>The gate as a step of a Polly pipeline, between the retry and the breaker.</summary>
    internal sealed class Strategy(RecoveryGate gate) : ResilienceStrategy
    {
        protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
        {
            if (!gate.TryEnter(out var limited))
            {
                return Outcome.FromException<TResult>(gate.Refusal());
            }

            Outcome<TResult> outcome;
            try
            {
                outcome = await callback(context, state).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // Polly's own steps return their failures as outcomes; anything else must still free the slot.
                outcome = Outcome.FromException<TResult>(exception);
            }

            gate.Exit(limited, outcome.Exception);
            return outcome;
        }
    }
}
