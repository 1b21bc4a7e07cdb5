using System.Collections.Concurrent;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
}

/// <summary>Hosts one gRPC service in memory; <typeparamref name="TService"/> is any type of its assembly.</summary>
/// <param name="settings">Configuration settings, such as dependency addresses.</param>
/// <param name="configureServices">Replaces services after the service's own registrations, such as its clients.</param>
public sealed class GrpcServiceFactory<TService>(
    IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    : WebApplicationFactory<TService>, IGrpcServiceHost where TService : class
{
    private readonly ConcurrentQueue<CapturedLog> _logs = new();

    public IReadOnlyCollection<CapturedLog> Logs => _logs;

    public GrpcChannel CreateChannel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
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
