using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NutritionAspire.ServiceDefaults;

/// <summary>A request a service sends to its own listening address before it says it is ready.</summary>
/// <param name="Send">Sends the request to the service's own address; a failure is logged and readiness turns on anyway.</param>
/// <param name="SelectAddress">Picks the address to send it to from those the server listens on.</param>
public sealed record WarmUpRequest(Func<Uri, CancellationToken, Task> Send, Func<IReadOnlyList<Uri>, Uri?> SelectAddress);

/// <summary>
/// Sends the service's warm-up requests through its real pipeline (its own socket, Kestrel, routing, serialization,
/// and the clients of its dependencies) once it listens, and only then lets it report ready. The first request of a
/// cold process compiles that whole path, which on a busy machine takes seconds, more than a caller's deadline.
/// The requests carry a trace context that is not sampled, so no service records them as traces.
/// </summary>
public sealed partial class WarmUp(
    IServer server, IEnumerable<WarmUpRequest> requests, IHostApplicationLifetime lifetime, ILogger<WarmUp> logger) : BackgroundService
{
    /// <summary>The longest the warm-up may hold readiness back; a dependency that does not answer must not keep the service out.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the warm-up has ended, however it went.</summary>
    public bool IsDone => _done.Task.IsCompleted;

    /// <summary>A W3C trace context whose sampled flag is off: parent-based samplers record nothing of the request.</summary>
    public static string UnsampledTraceParent() =>
        $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var started = new TaskCompletionSource<List<(WarmUpRequest Request, Uri Address)>>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult(WhatToWarm())))
            {
                var targets = await started.Task.WaitAsync(stoppingToken);
                await WarmAsync(targets, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before it was ready.
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    /// <summary>
    /// Each request with the address it goes to, read as the host reports started. With none (an in-memory test
    /// server listens on no socket), the service is ready at once, before the start is reported.
    /// </summary>
    private List<(WarmUpRequest Request, Uri Address)> WhatToWarm()
    {
        var addresses = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(address => Uri.TryCreate(address, UriKind.Absolute, out var uri) ? ToLoopback(uri) : null)
            .OfType<Uri>()
            .ToList();
        var targets = requests
            .Select(request => (Request: request, Address: request.SelectAddress(addresses)))
            .Where(target => target.Address is not null)
            .Select(target => (target.Request, target.Address!))
            .ToList();
        if (targets.Count == 0)
        {
            _done.TrySetResult();
        }

        return targets;
    }

    private async Task WarmAsync(List<(WarmUpRequest Request, Uri Address)> targets, CancellationToken stoppingToken)
    {
        if (targets.Count == 0)
        {
            return;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        limit.CancelAfter(Limit);
        var timestamp = Stopwatch.GetTimestamp();
        foreach (var (request, address) in targets)
        {
            try
            {
                await request.Send(address, limit.Token);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogWarmUpFailed(logger, address, exception.Message);
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(timestamp);
        LogWarmedUp(logger, elapsed.TotalMilliseconds);
    }

    /// <summary>A wildcard or localhost address as one the service can connect to from inside.</summary>
    private static Uri ToLoopback(Uri address) =>
        address.Host is "0.0.0.0" or "[::]" or "::" or "*" or "+" or "localhost"
            ? new UriBuilder(address) { Host = "127.0.0.1" }.Uri
            : address;

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up in {Milliseconds:0} ms; ready for requests.")]
    private static partial void LogWarmedUp(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The warm-up request to {Address} failed ({Reason}); ready for requests anyway.")]
    private static partial void LogWarmUpFailed(ILogger logger, Uri address, string reason);
}
