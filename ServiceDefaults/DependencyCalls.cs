using Grpc.Core;

namespace NutritionAspire.ServiceDefaults;

/// <summary>A call to a gRPC dependency failed or passed its deadline.</summary>
public sealed class DependencyFailedException(
    string dependency, Status status, IReadOnlyList<string>? invalidFields = null, TimeSpan? circuitOpenFor = null, bool answerRefused = false)
    : Exception($"{dependency} failed: {status.StatusCode}: {status.Detail}")
{
    /// <summary>The resource name of the dependency, such as <c>bmr-grpc</c>.</summary>
    public string Dependency { get; } = dependency;

    public Status Status { get; } = status;

    /// <summary>For an INVALID_ARGUMENT, the dependency's request fields it named (<see cref="FieldViolations"/>), if any.</summary>
    public IReadOnlyList<string> InvalidFields { get; } = invalidFields ?? [];

    /// <summary>
    /// When the call was refused without being tried (<see cref="CircuitOpenException"/>), the time until a trial call
    /// may pass (zero when unknown); null when the dependency itself was tried.
    /// </summary>
    public TimeSpan? CircuitOpenFor { get; } = circuitOpenFor;

    /// <summary>Whether the dependency answered and its answer was refused here (the status detail is then our own words).</summary>
    public bool AnswerRefused { get; } = answerRefused;

    /// <summary>
    /// What failed, in our words and naming only this dependency, for a status detail or a public answer: never
    /// the dependency's own text (which may name the services behind it), never empty.
    /// </summary>
    public string Summary => CircuitOpenFor is not null
        ? $"{Dependency}: circuit open after repeated failures"
        : Status.StatusCode switch
        {
            StatusCode.DeadlineExceeded => $"{Dependency}: no answer within the deadline",
            StatusCode.Unavailable => $"{Dependency}: unavailable",
            StatusCode.InvalidArgument => $"{Dependency}: the values are outside what it can compute",
            var code => $"{Dependency}: failed ({code})",
        };
}

/// <summary>
/// Concurrent calls to gRPC dependencies that fail fast: each call's deadline is its own timeout or the overall
/// deadline, whichever comes first, and the first failure cancels the calls still running and is the one reported.
/// Retries and circuit breaking happen below, on each dependency's channel (<see cref="DependencyResilience"/>).
/// </summary>
public sealed class DependencyCalls : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly DateTime _deadline;
    private readonly TimeSpan _callTimeout;
    private DependencyFailedException? _firstFailure;

    /// <param name="deadline">The overall deadline (UTC); <see cref="DateTime.MaxValue"/> for none of its own.</param>
    /// <param name="options">The longest one call may take, retries included.</param>
    /// <param name="cancellationToken">Cancels every call, for example when the caller goes away.</param>
    public DependencyCalls(DateTime deadline, GrpcDependencyOptions options, CancellationToken cancellationToken)
    {
        _deadline = deadline;
        _callTimeout = options.CallTimeout;
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
        var callDeadline = DateTime.UtcNow + _callTimeout;
        var options = new CallOptions(deadline: callDeadline < _deadline ? callDeadline : _deadline, cancellationToken: _cancellation.Token);
        DependencyFailedException failure;
        try
        {
            var response = await call(options);
            if (refuseAnswer?.Invoke(response) is not { } reason)
            {
                return response;
            }

            failure = new DependencyFailedException(dependency, new Status(StatusCode.InvalidArgument, reason), answerRefused: true);
        }
        catch (RpcException exception) when (!_cancellation.IsCancellationRequested)
        {
            failure = new DependencyFailedException(
                dependency,
                exception.Status,
                exception.StatusCode == StatusCode.InvalidArgument ? FieldViolations.Read(exception) : null,
                (exception as CircuitOpenException)?.RetryAfter);
        }

        Interlocked.CompareExchange(ref _firstFailure, failure, null);
        await _cancellation.CancelAsync();
        throw failure;
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
