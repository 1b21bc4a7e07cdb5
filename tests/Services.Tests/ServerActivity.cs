using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// The requests one host is serving, from its own <c>http.server.active_requests</c>: once a test knows the server has
/// read everything it was sent, it waits until they are back to zero to know the server has finished with all of it
/// (and logged what it logs for it). Connections are not counted: Kestrel may keep one it aborted open for a while.
/// </summary>
public sealed class ServerActivity : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _requests;

    public ServerActivity(IServiceProvider services)
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == "http.server.active_requests")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, change, _, _) => Interlocked.Add(ref _requests, change));
        _listener.Start();
    }

    /// <summary>Waits until every request that started since this was created has ended.</summary>
    public Task WaitUntilIdleAsync(CancellationToken cancellationToken) =>
        Eventually.ReturnsAsync(
            _ => Task.FromResult(Interlocked.Read(ref _requests) <= 0 ? "idle" : null),
            TimeSpan.FromSeconds(60),
            () => $"{Interlocked.Read(ref _requests)} requests still open",
            cancellationToken, TimeSpan.FromMilliseconds(50));

    public void Dispose() => _listener.Dispose();
}
