using Grpc.Core;
using Grpc.Core.Interceptors;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// One dependency's retry and circuit breaking, a Polly pipeline that every unary call to it passes through
/// (<see cref="Interceptor"/>, on its channel):
/// <list type="number">
/// <item>Retry: an UNAVAILABLE attempt is tried again, up to the configured attempts, after a random wait up to a
/// ceiling that doubles from 100 ms to at most 1 s, and only when that wait ends before the call's deadline; the other
/// attempts keep that deadline. A refused call is not tried again.</item>
/// <item><see cref="RecoveryGate"/>: after the circuit has opened, a bounded number of calls at once until the
/// dependency has proven itself again.</item>
/// <item>Polly's circuit breaker: it opens when DEADLINE_EXCEEDED or UNAVAILABLE attempts reach the failure ratio of a
/// short sampling window, refuses calls for the break, lets one trial call through, and closes when it is answered. The
/// break doubles with each trial that fails, up to a maximum. Any other answer, even an error, counts as a success:
/// it shows the dependency is there.</item>
/// </list>
/// The retry lives here, not in the channel's retry policy, which buffers every call for a replay: this way a call
/// that succeeds costs nothing for it.
/// </summary>
public sealed class DependencyResilience
{
    private static readonly TimeSpan s_initialBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(1);
    private static readonly ResiliencePropertyKey<DateTime> s_deadline = new("nutrition.deadline");
    private static readonly ResiliencePropertyKey<TimeSpan> s_backoff = new("nutrition.backoff");

    private readonly string _dependency;
    private readonly TimeProvider _timeProvider;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly ResiliencePipeline _pipeline;

    public DependencyResilience(string dependency, GrpcDependencyOptions options, TimeProvider timeProvider)
    {
        _dependency = dependency;
        _timeProvider = timeProvider;
        Gate = new RecoveryGate(dependency, options.CircuitRecoveryCalls, options.CircuitRecoverySuccesses, options.CircuitBreakDuration, timeProvider);
        var builder = new ResiliencePipelineBuilder { Name = dependency, TimeProvider = timeProvider };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is RpcException { StatusCode: StatusCode.Unavailable } and not CircuitOpenException
                    && PlanBackoff(arguments.Context, arguments.AttemptNumber)),
                DelayGenerator = arguments => ValueTask.FromResult<TimeSpan?>(arguments.Context.Properties.GetValue(s_backoff, TimeSpan.Zero)),
            });
        }

        builder.AddStrategy(_ => new RecoveryGate.Strategy(Gate));
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumCalls,
            SamplingDuration = options.CircuitBreakerSamplingDuration,
            BreakDuration = options.CircuitBreakDuration,
            BreakDurationGenerator = arguments => ValueTask.FromResult(
                BreakDuration(options.CircuitBreakDuration, options.CircuitMaxBreakDuration, arguments.HalfOpenAttempts)),
            ShouldHandle = arguments => ValueTask.FromResult(IsFailure(arguments.Outcome.Exception)),
            StateProvider = _circuit,
            OnOpened = _ =>
            {
                Gate.Recover();
                return ValueTask.CompletedTask;
            },
        });
        _pipeline = builder.Build();
        Interceptor = new ResilienceInterceptor(this);
    }

    /// <summary>Puts every unary call through the pipeline; a call that waits for the connection (the start-up connect) is left alone.</summary>
    public Interceptor Interceptor { get; }

    public CircuitState CircuitState => _circuit.CircuitState;

    public RecoveryGate Gate { get; }

    /// <summary>Whether an attempt's ending counts against the dependency: it passed its deadline or was unreachable.</summary>
    internal static bool IsFailure(Exception? exception) =>
        exception is RpcException { StatusCode: StatusCode.DeadlineExceeded or StatusCode.Unavailable } and not CircuitOpenException;

    /// <summary>The break after <paramref name="failedTrials"/> trial calls in a row failed: doubled for each, up to the maximum.</summary>
    internal static TimeSpan BreakDuration(TimeSpan first, TimeSpan maximum, int failedTrials) =>
        TimeSpan.FromTicks(Math.Min(first.Ticks << Math.Min(failedTrials, 16), maximum.Ticks));

    /// <summary>
    /// Picks the wait before the attempt after <paramref name="attempt"/> (counted from 0) and says whether it ends
    /// before the call's deadline: a retry that cannot finish in time is not started.
    /// </summary>
    private bool PlanBackoff(ResilienceContext context, int attempt)
    {
        var ceiling = TimeSpan.FromTicks(Math.Min(s_initialBackoff.Ticks << Math.Min(attempt, 16), s_maxBackoff.Ticks));
        var wait = ceiling * Random.Shared.NextDouble();
        if (_timeProvider.GetUtcNow().UtcDateTime + wait >= context.Properties.GetValue(s_deadline, DateTime.MaxValue))
        {
            return false;
        }

        context.Properties.Set(s_backoff, wait);
        return true;
    }

    private async Task<TResponse> CallAsync<TRequest, TResponse>(Attempts<TRequest, TResponse> attempts)
        where TRequest : class
        where TResponse : class
    {
        var options = attempts.Options;
        var context = ResilienceContextPool.Shared.Get(options.CancellationToken);
        try
        {
            context.Properties.Set(s_deadline, options.Deadline ?? DateTime.MaxValue);
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (_, attempts) =>
                {
                    try
                    {
                        return Outcome.FromResult(await attempts.StartAsync().ConfigureAwait(false));
                    }
                    catch (Exception exception)
                    {
                        return Outcome.FromException<TResponse>(exception);
                    }
                },
                context,
                attempts).ConfigureAwait(false);

            switch (outcome.Exception)
            {
                case null:
                    return outcome.Result!;
                case BrokenCircuitException broken:
                    throw attempts.Refused(new CircuitOpenException(_dependency, broken.RetryAfter ?? TimeSpan.Zero));
                case CircuitOpenException refused:
                    throw attempts.Refused(refused);
                case OperationCanceledException when options.CancellationToken.IsCancellationRequested:
                    // Cancelled while waiting to retry: the same status as a call cancelled on the wire.
                    throw attempts.Refused(new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled by its caller.")));
                default:
                    outcome.ThrowIfException();
                    throw new InvalidOperationException("Unreachable: an outcome holds a result or an exception.");
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private sealed class ResilienceInterceptor(DependencyResilience resilience) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, Interceptor.AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            if (context.Options.IsWaitForReady)
            {
                return continuation(request, context);
            }

            var attempts = new Attempts<TRequest, TResponse>(request, context, continuation);
            return new AsyncUnaryCall<TResponse>(
                resilience.CallAsync(attempts),
                static state => ((Attempts<TRequest, TResponse>)state).ResponseHeadersAsync(),
                static state => ((Attempts<TRequest, TResponse>)state).GetStatus(),
                static state => ((Attempts<TRequest, TResponse>)state).GetTrailers(),
                static state => ((Attempts<TRequest, TResponse>)state).Dispose(),
                attempts);
        }
    }

    /// <summary>The attempts of one call; its headers, status and trailers are those of the last attempt.</summary>
    private sealed class Attempts<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, Interceptor.AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
    {
        private AsyncUnaryCall<TResponse>? _call;
        private RpcException? _refusal;

        public CallOptions Options => context.Options;

        public Task<TResponse> StartAsync()
        {
            _call?.Dispose();
            _call = continuation(request, context);
            return _call.ResponseAsync;
        }

        /// <summary>Ends the call with <paramref name="refusal"/>, which no attempt on the wire gave.</summary>
        public RpcException Refused(RpcException refusal)
        {
            _refusal = refusal;
            return refusal;
        }

        public Task<Metadata> ResponseHeadersAsync() => _call?.ResponseHeadersAsync ?? Task.FromResult(Metadata.Empty);

        public Status GetStatus() => _refusal?.Status ?? _call?.GetStatus() ?? throw new InvalidOperationException("The call has not ended.");

        public Metadata GetTrailers() => _refusal?.Trailers ?? _call?.GetTrailers() ?? Metadata.Empty;

        public void Dispose() => _call?.Dispose();
    }
}

/// <summary>
/// A call refused without trying it, because the dependency's circuit is open or it is still proving itself:
/// UNAVAILABLE, not worth another attempt, with the time until a trial call may pass (zero when unknown).
/// </summary>
public sealed class CircuitOpenException(string dependency, TimeSpan retryAfter)
    : RpcException(new Status(StatusCode.Unavailable, $"{dependency}: circuit open after repeated failures"))
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
