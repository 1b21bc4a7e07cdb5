using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>One span as the Zipkin v2 JSON API carries it (only the members the tests read).</summary>
public sealed record ZipkinSpan(
    [property: JsonPropertyName("traceId")] string TraceId,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("parentId")] string? ParentId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("localEndpoint")] ZipkinEndpoint? LocalEndpoint)
{
    public string? ServiceName => LocalEndpoint?.ServiceName;
}

public sealed record ZipkinEndpoint([property: JsonPropertyName("serviceName")] string? ServiceName);

/// <summary>
/// A Zipkin collector on a loopback port that keeps every span it is sent, so a test can look at whole traces.
/// The services export to it through <c>ZIPKIN_COLLECTOR_ENDPOINT</c>, the original's tracing switch.
/// </summary>
public sealed class ZipkinReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ZipkinSpan> _spans = new();
    private WebApplication? _app;

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<ZipkinReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var receiver = new ZipkinReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // The test output folder holds the services' appsettings.json (with their Kestrel endpoints): ignore it.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = receiver._app = builder.Build();
        app.MapPost("/api/v2/spans", async (HttpRequest request, CancellationToken token) =>
        {
            var spans = await JsonSerializer.DeserializeAsync<ZipkinSpan[]>(request.Body, cancellationToken: token) ?? [];
            foreach (var span in spans)
            {
                receiver._spans.Enqueue(span);
            }

            return Results.Accepted();
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Endpoint = new Uri(new Uri(address), "/api/v2/spans");
        return receiver;
    }

    /// <summary>Waits until the spans of <paramref name="traceId"/> satisfy <paramref name="complete"/>, and returns them.</summary>
    public Task<IReadOnlyList<ZipkinSpan>> WaitForTraceAsync(
        string traceId, Func<IReadOnlyList<ZipkinSpan>, bool> complete, TimeSpan timeout, CancellationToken cancellationToken)
    {
        IReadOnlyList<ZipkinSpan> Trace() => [.. _spans.Where(span => span.TraceId == traceId)];
        return Eventually.ReturnsAsync(
            _ => Task.FromResult(Trace() is var trace && complete(trace) ? trace : null),
            timeout,
            () => $"trace {traceId} has {string.Join(", ", Trace().Select(s => $"{s.ServiceName}:{s.Name}"))}",
            cancellationToken);
    }

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;
}
