namespace NutritionAspire.Tests;

/// <summary>Waiting on a condition with a timeout, never on a fixed sleep.</summary>
public static class Eventually
{
    /// <summary>
    /// Calls <paramref name="probe"/> every <paramref name="interval"/> until it returns a value, and returns it; after
    /// <paramref name="timeout"/> fails with <paramref name="describe"/>'s account of the last state.
    /// </summary>
    public static async Task<T> ReturnsAsync<T>(
        Func<CancellationToken, Task<T?>> probe, TimeSpan timeout, Func<string> describe, CancellationToken cancellationToken, TimeSpan? interval = null)
        where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var timer = new PeriodicTimer(interval ?? TimeSpan.FromMilliseconds(200));
        try
        {
            do
            {
                if (await probe(deadline.Token) is { } value)
                {
                    return value;
                }
            }
            while (await timer.WaitForNextTickAsync(deadline.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"Still not there after {timeout}: {describe()}");
    }
}
