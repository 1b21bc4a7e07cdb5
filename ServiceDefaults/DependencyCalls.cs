using Grpc.Core;

namespace Microsoft.Extensions.Hosting;

/// <summary>A call to a gRPC dependency failed or passed its deadline.</summary>
public sealed class DependencyFailedException(string dependency, Status status)
    : Exception($"{dependency} failed: {status.StatusCode}: {status.Detail}")
{
    /// <summary>The resource name of the dependency, such as <c>bmr-grpc</c>.</summary>
    public string Dependency { get; } = dependency;

    public Status Status { get; } = status;
}

/// <summary>
/// Concurrent calls to gRPC dependencies that share one deadline and fail fast: the first failure cancels the
/// calls still running and is the one reported.
/// </summary>
public sealed class DependencyCalls : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly DateTime _deadline;
    private DependencyFailedException? _firstFailure;

    public DependencyCalls(DateTime deadline, CancellationToken cancellationToken)
    {
        _deadline = deadline;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    public async Task<TResponse> CallAsync<TResponse>(string dependency, Func<CallOptions, AsyncUnaryCall<TResponse>> call)
    {
        try
        {
            return await call(new CallOptions(deadline: _deadline, cancellationToken: _cancellation.Token));
        }
        catch (RpcException exception) when (!_cancellation.IsCancellationRequested)
        {
            var failure = new DependencyFailedException(dependency, exception.Status);
            Interlocked.CompareExchange(ref _firstFailure, failure, null);
            await _cancellation.CancelAsync();
            throw failure;
        }
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
