using Grpc.Core;

namespace NutritionAspire.ServiceDefaults;

/// <summary>A call to a gRPC dependency failed or passed its deadline.</summary>
public sealed class DependencyFailedException(string dependency, Status status, IReadOnlyList<string>? invalidFields = null)
    : Exception($"{dependency} failed: {status.StatusCode}: {status.Detail}")
{
    /// <summary>The resource name of the dependency, such as <c>bmr-grpc</c>.</summary>
    public string Dependency { get; } = dependency;

    public Status Status { get; } = status;

    /// <summary>For an INVALID_ARGUMENT, the dependency's request fields it named (<see cref="FieldViolations"/>), if any.</summary>
    public IReadOnlyList<string> InvalidFields { get; } = invalidFields ?? [];
}

/// <summary>
/// Concurrent calls to gRPC dependencies that fail fast: each call's deadline is its own timeout or the overall
/// deadline, whichever comes first, and the first failure cancels the calls still running and is the one reported.
/// An UNAVAILABLE call is tried again, up to the configured attempts, after a random wait up to a backoff that doubles
/// from 100 ms to at most 1 s, and never past the call's deadline. The retry lives here rather than in the channel's
/// retry policy, which buffers every call for a replay: this way a call that succeeds costs nothing for it.
/// </summary>
public sealed class DependencyCalls : IDisposable
{
    private static readonly TimeSpan s_initialBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _cancellation;
    private readonly DateTime _deadline;
    private readonly TimeSpan _callTimeout;
    private readonly int _maxAttempts;
    private DependencyFailedException? _firstFailure;

    /// <param name="deadline">The overall deadline (UTC), such as the caller's; <see cref="DateTime.MaxValue"/> for none.</param>
    /// <param name="options">The longest one call may take, retries included, and the attempts per call.</param>
    /// <param name="cancellationToken">Cancels every call, for example when the caller goes away.</param>
    public DependencyCalls(DateTime deadline, GrpcDependencyOptions options, CancellationToken cancellationToken)
    {
        _deadline = deadline;
        _callTimeout = options.CallTimeout;
        _maxAttempts = options.MaxAttempts;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <param name="dependency">The resource name of the dependency, for the failure.</param>
    /// <param name="call">Starts the call with the options (deadline, cancellation) it must use.</param>
    /// <param name="refuseAnswer">
    /// Says why an answer cannot be used (for example a number that is not finite), or null when it can. A refused answer
    /// fails like an INVALID_ARGUMENT from the dependency: the values asked about are outside what it can compute.
    /// </param>
    public async Task<TResponse> CallAsync<TResponse>(
        string dependency, Func<CallOptions, AsyncUnaryCall<TResponse>> call, Func<TResponse, string?>? refuseAnswer = null)
    {
        Status failed;
        IReadOnlyList<string>? invalidFields = null;
        var callDeadline = DateTime.UtcNow + _callTimeout;
        var deadline = callDeadline < _deadline ? callDeadline : _deadline;
        var options = new CallOptions(deadline: deadline, cancellationToken: _cancellation.Token);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await call(options);
                if (refuseAnswer?.Invoke(response) is not { } reason)
                {
                    return response;
                }

                failed = new Status(StatusCode.InvalidArgument, reason);
                break;
            }
            catch (RpcException exception) when (!_cancellation.IsCancellationRequested)
            {
                if (exception is not CircuitOpenException && exception.StatusCode == StatusCode.Unavailable
                    && attempt < _maxAttempts && Backoff(attempt, deadline) is { } wait)
                {
                    await Task.Delay(wait, _cancellation.Token);
                    continue;
                }

                failed = exception.Status;
                invalidFields = exception.StatusCode == StatusCode.InvalidArgument ? FieldViolations.Read(exception) : null;
                break;
            }
        }

        var failure = new DependencyFailedException(dependency, failed, invalidFields);
        Interlocked.CompareExchange(ref _firstFailure, failure, null);
        await _cancellation.CancelAsync();
        throw failure;
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, or null when it would end past <paramref name="deadline"/>.</summary>
    private static TimeSpan? Backoff(int attempt, DateTime deadline)
    {
        var ceiling = TimeSpan.FromTicks(Math.Min(s_initialBackoff.Ticks << Math.Min(attempt - 1, 16), s_maxBackoff.Ticks));
        var wait = ceiling * Random.Shared.NextDouble();
        return DateTime.UtcNow + wait < deadline ? wait : null;
    }

    /// <summary>Waits for every call; throws the first failure, not the cancellations it caused.</summary>
    public async Task WhenAll(params Task[] calls)
    {
        try
        {
            await Task.WhenAll(calls);
        }
        catch when (_firstFailure is not null)
        {
            throw _firstFailure;
        }
    }

    public void Dispose() => _cancellation.Dispose();
}
