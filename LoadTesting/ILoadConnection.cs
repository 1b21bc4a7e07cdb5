namespace NutritionAspire.LoadTesting;

/// <summary>One keep-alive connection of a load test, sending one request at a time.</summary>
public interface ILoadConnection : IAsyncDisposable
{
    /// <summary>Sends one request and reads its whole answer; returns null on success, else what went wrong.</summary>
    /// <remarks>A failure that breaks the connection reopens it on the next call.</remarks>
    ValueTask<string?> SendAsync(CancellationToken cancellationToken);
}
