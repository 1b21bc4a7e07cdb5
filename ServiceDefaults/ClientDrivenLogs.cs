using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// The framework's log events that any client can cause at will, one per call, stream or connection, logged at Debug
/// instead of their own level, so that an attacker cannot fill the logs (or page anyone) by flooding or cancelling:
/// an HTTP/2 rapid reset wrote hundreds of Critical lines per service, and a storm of cancelled calls one Information
/// line per call. What they say is still counted in the metrics (<c>rpc.grpc.status_code</c>, Kestrel's connection
/// and request metrics) and still written where Debug is on. Everything else keeps its level.
/// </summary>
public static class ClientDrivenLogs
{
    private const string GrpcServerCalls = "Grpc.AspNetCore.Server.ServerCallHandler";

    private static readonly ClientDrivenEvent[] s_events =
    [
        // Kestrel: a connection flooded with frames faster than it can answer (the rapid reset aborts it), and a stream
        // the client reset while its answer was being written.
        new("Microsoft.AspNetCore.Server.Kestrel.Http2", 60),
        new("Microsoft.AspNetCore.Server.Kestrel.Http2", 61),
        // grpc-dotnet's server: a request that is not gRPC (content type, protocol), a message the client broke off or
        // sent broken, an answer it did not wait for, and a call it cancelled.
        new(GrpcServerCalls, 2),
        new(GrpcServerCalls, 3),
        new(GrpcServerCalls, 14),
        new(GrpcServerCalls, 17),
        new(GrpcServerCalls, 28),
        // ... a call ended by a status that is the client's doing: it cancelled, or sent what the service refuses.
        new(GrpcServerCalls, 7, (state, _) => StatusOf(state) is StatusCode.Cancelled or StatusCode.InvalidArgument or StatusCode.ResourceExhausted),
        // ... and the client resetting the stream while the request was read, before the call saw its cancellation.
        new(GrpcServerCalls, 6, (_, exception) => exception is IOException or OperationCanceledException),
        // ... a service or method that does not exist.
        new("Grpc.AspNetCore.Server.Internal.ServerCallHandlerFactory", 1),
        new("Grpc.AspNetCore.Server.Internal.ServerCallHandlerFactory", 2),
        // grpc-dotnet's client: a call to a dependency cancelled because the caller of this service went away.
        new("Grpc.Net.Client.Internal.GrpcCall", 3, (state, _) => StatusOf(state) is StatusCode.Cancelled),
    ];

    /// <summary>Replaces the logger factory with one that lowers the client-driven events to Debug.</summary>
    public static IServiceCollection AddClientDrivenLogs(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(provider => new LevellingLoggerFactory(new LoggerFactory(
            provider.GetServices<ILoggerProvider>(),
            provider.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            provider.GetService<IOptions<LoggerFactoryOptions>>(),
            provider.GetService<IExternalScopeProvider>()))));
        return services;
    }

    private static StatusCode? StatusOf(object? state) =>
        state is IReadOnlyList<KeyValuePair<string, object?>> values
            ? values.FirstOrDefault(value => value.Key == "StatusCode").Value as StatusCode?
            : null;

    /// <param name="Category">The category, or the start of a generic one (<c>ServerCallHandlerFactory&lt;TService&gt;</c>).</param>
    /// <param name="EventId">The event's id within its category.</param>
    /// <param name="When">Narrows the event by its state and exception; null for every occurrence.</param>
    private sealed record ClientDrivenEvent(string Category, int EventId, Func<object?, Exception?, bool>? When = null)
    {
        public bool AppliesTo(string category) =>
            category == Category || category.StartsWith(Category + "<", StringComparison.Ordinal);
    }

    private sealed class LevellingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName)
        {
            var logger = inner.CreateLogger(categoryName);
            var events = s_events.Where(clientDriven => clientDriven.AppliesTo(categoryName)).ToArray();
            return events.Length == 0 ? logger : new LevellingLogger(logger, events);
        }

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class LevellingLogger(ILogger inner, ClientDrivenEvent[] events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel > LogLevel.Debug
                && Array.Exists(events, clientDriven => clientDriven.EventId == eventId.Id && (clientDriven.When?.Invoke(state, exception) ?? true)))
            {
                logLevel = LogLevel.Debug;
                if (!inner.IsEnabled(logLevel))
                {
                    return;
                }
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
