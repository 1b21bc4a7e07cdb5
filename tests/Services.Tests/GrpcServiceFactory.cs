using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>One log entry a hosted service wrote.</summary>
public sealed record CapturedLog(LogLevel Level, string Category, string Message, Exception? Exception);

/// <summary>A gRPC service hosted in memory, whatever its entry point.</summary>
public interface IGrpcServiceHost : IAsyncDisposable
{
    GrpcChannel CreateChannel();

    /// <summary>An HTTP client for the service's HTTP routes (<c>/healthz</c>, <c>/metrics</c>).</summary>
    HttpClient CreateClient();

    /// <summary>Everything the service has logged so far.</summary>
    IReadOnlyCollection<CapturedLog> Logs { get; }

    /// <summary>Serves through Kestrel on a loopback port instead of in memory; returns the address.</summary>
    Uri StartOnKestrel();

    IServiceProvider Services { get; }
}

/// <summary>
/// The tags of every <c>http.server.request.duration</c> measurement of one host. Several hosts in one process share
/// the meter names, so their Prometheus output mixes; this listens to the host's own meters only.
/// </summary>
public sealed class RequestDurations : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, object?>> _recorded = new();

    public RequestDurations(IServiceProvider services)
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument is { Name: "http.server.request.duration", Meter.Name: "Microsoft.AspNetCore.Hosting" })
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            _recorded.Enqueue(copy);
        });
        _listener.Start();
    }

    /// <summary>
    /// Waits until <paramref name="count"/> requests to <paramref name="route"/> have been recorded with
    /// <c>rpc.grpc.status_code</c> <paramref name="status"/>: a request is recorded once the server has finished with it,
    /// which may be just after the client has its answer.
    /// </summary>
    public Task WaitForAsync(string route, StatusCode status, int count, CancellationToken cancellationToken) =>
        Eventually.ReturnsAsync(
            _ => Task.FromResult(Matching(route, status) >= count ? "done" : null),
            TimeSpan.FromSeconds(10),
            () => $"{Matching(route, status)} of {count} requests to {route} recorded with status {status}; all: " +
                string.Join("; ", _recorded.Select(tags => string.Join(", ", tags.Select(tag => $"{tag.Key}={tag.Value}")))),
            cancellationToken, TimeSpan.FromMilliseconds(20));

    private int Matching(string route, StatusCode status) => _recorded.Count(tags =>
        tags.TryGetValue("http.route", out var recordedRoute) && Equals(recordedRoute, route)
        && tags.TryGetValue("rpc.grpc.status_code", out var code) && Equals(code, (int)status));

    public void Dispose() => _listener.Dispose();
}

/// <summary>Hosts one gRPC service in memory; <typeparamref name="TService"/> is any type of its assembly.</summary>
/// <param name="settings">Configuration settings, such as dependency addresses.</param>
/// <param name="configureServices">Replaces services after the service's own registrations, such as its clients.</param>
public sealed class GrpcServiceFactory<TService>(
    IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    : WebApplicationFactory<TService>, IGrpcServiceHost where TService : class
{
    private readonly ConcurrentQueue<CapturedLog> _logs = new();
    private bool _onKestrel;
    private Uri? _kestrelAddress;

    public IReadOnlyCollection<CapturedLog> Logs => _logs;

    public GrpcChannel CreateChannel() => _kestrelAddress is { } address
        ? GrpcChannel.ForAddress(address)
        : GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    /// <summary>
    /// Serves through Kestrel on loopback ports instead of in memory, for tests that need real HTTP/2 frames; returns
    /// the address. Both of the service's endpoints speak h2c there, so either is the gRPC one.
    /// </summary>
    public Uri StartOnKestrel()
    {
        _onKestrel = true;
        UseKestrel();
        StartServer();
        _kestrelAddress = new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return _kestrelAddress;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (_onKestrel)
        {
            // The service's own endpoints (ports 30000 and 8080) on free loopback ports instead.
            builder.UseSetting($"Kestrel:Endpoints:{ResourceNames.GrpcEndpoint}:Url", "http://127.0.0.1:0");
            builder.UseSetting("Kestrel:Endpoints:http:Url", "http://127.0.0.1:0");
            builder.UseSetting("Kestrel:Endpoints:http:Protocols", "Http2");
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(_logs)));
        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<CapturedLog> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(logs, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(ConcurrentQueue<CapturedLog> logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Enqueue(new CapturedLog(logLevel, category, formatter(state, exception), exception));
    }
}
