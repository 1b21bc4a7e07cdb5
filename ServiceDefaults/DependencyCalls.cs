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
/// </summary>
public sealed class DependencyCalls : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly DateTime _deadline;
    private readonly TimeSpan _callTimeout;
    private DependencyFailedException? _firstFailure;

    /// <param name="deadline">The overall deadline (UTC), such as the caller's; <see cref="DateTime.MaxValue"/> for none.</param>
    /// <param name="callTimeout">The longest one call may take, retries included.</param>
    /// <param name="cancellationToken">Cancels every call, for example when the caller goes away.</param>
    public DependencyCalls(DateTime deadline, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        _deadline = deadline;
        _callTimeout = callTimeout;
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
        try
        {
            var callDeadline = DateTime.UtcNow + _callTimeout;
            var deadline = callDeadline < _deadline ? callDeadline : _deadline;
            var response = await call(new CallOptions(deadline: deadline, cancellationToken: _cancellation.Token));
            if (refuseAnswer?.Invoke(response) is not { } reason)
            {
                return response;
            }

            failed = new Status(StatusCode.InvalidArgument, reason);
        }
        catch (RpcException exception) when (!_cancellation.IsCancellationRequested)
        {
            failed = exception.Status;
            invalidFields = exception.StatusCode == StatusCode.InvalidArgument ? FieldViolations.Read(exception) : null;
        }

        var failure = new DependencyFailedException(dependency, failed, invalidFields);
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
