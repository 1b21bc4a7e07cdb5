using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// The requests and Kestrel connections one host has open, from its own <c>http.server.active_requests</c> and
/// <c>kestrel.active_connections</c>: a test waits until both are back to zero to know the server has finished with
/// everything it was sent (and logged what it logs for it).
/// </summary>
public sealed class ServerActivity : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _requests, _connections;

    public ServerActivity(IServiceProvider services)
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name is "http.server.active_requests" or "kestrel.active_connections")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, change, _, _) =>
            Interlocked.Add(ref instrument.Name == "kestrel.active_connections" ? ref _connections : ref _requests, change));
        _listener.Start();
    }

    /// <summary>
    /// Waits until every request that started since this was created has ended and, with <paramref name="connections"/>,
    /// every connection opened since then has closed (leave it out where connections opened before may close meanwhile).
    /// </summary>
    public Task WaitUntilIdleAsync(CancellationToken cancellationToken, bool connections = true) =>
        Eventually.ReturnsAsync(
            _ => Task.FromResult(Interlocked.Read(ref _requests) <= 0 && (!connections || Interlocked.Read(ref _connections) <= 0) ? "idle" : null),
            TimeSpan.FromSeconds(60),
            () => $"{Interlocked.Read(ref _requests)} requests and {Interlocked.Read(ref _connections)} connections still open",
            cancellationToken, TimeSpan.FromMilliseconds(50));

    public void Dispose() => _listener.Dispose();
}
