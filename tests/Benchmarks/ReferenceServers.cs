using System.Net;
using System.Text.Json.Serialization;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using NutritionAspire.Benchmarks.Echo;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace NutritionAspire.Benchmarks;

/// <summary>
/// The yardsticks the chain is measured against, each run in a process of its own: one HTTP hop that parses the
/// calculator body and answers JSON, one gRPC unary round trip that answers what it is sent, and the bare chain: the
/// chain's topology built from the same libraries with nothing else (no telemetry, validation, retries, deadlines
/// or logs). A front that parses the body and calls three gRPC echoes, the third with the first's answer as health-api
/// calls recommendations-grpc with bmr-grpc's; the third calls three more at once. The libraries chain is the bare
/// chain with the libraries behind the chain's features switched on, and none of our code.
/// </summary>
internal static class ReferenceServers
{
    public const string SingleHop = "single-hop";
    public const string GrpcEcho = "grpc-echo";
    public const string BareFront = "bare-front";
    public const string BareFanOut = "bare-fan-out";

    /// <summary>Appended to a kind: the same node with the features' libraries on (<see cref="AddFeatureLibraries"/>).</summary>
    public const string WithLibraries = "+libraries";

    /// <summary>Serves <paramref name="kind"/> on <paramref name="port"/>; the bare chain's nodes call <paramref name="downstreamPorts"/>.</summary>
    public static async Task<int> RunAsync(string kind, int port, IReadOnlyList<int> downstreamPorts)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear();
        var libraries = kind.EndsWith(WithLibraries, StringComparison.Ordinal);
        kind = libraries ? kind[..^WithLibraries.Length] : kind;
        var grpc = kind is GrpcEcho or BareFanOut;
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1));
        if (libraries)
        {
            AddFeatureLibraries(builder);
        }

        if (kind is BareFront or BareFanOut)
        {
            builder.Services.AddSingleton(new EchoFanOut(downstreamPorts, libraries));
        }

        if (grpc)
        {
            builder.Services.AddGrpc();
        }
        else
        {
            builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ReferenceJsonContext.Default));
        }

        var app = builder.Build();
        if (libraries)
        {
            app.MapPrometheusScrapingEndpoint();
        }

        if (libraries && !grpc)
        {
            app.UseExceptionHandler();
            app.UseStatusCodePages();
        }

        switch (kind)
        {
            case GrpcEcho:
                app.MapGrpcService<EchoServer>();
                break;
            case BareFanOut:
                app.MapGrpcService<FanOutServer>();
                break;
            case SingleHop:
                app.MapPost("/calculator", async (HttpRequest request, CancellationToken cancellationToken) =>
                    await request.ReadFromJsonAsync(ReferenceJsonContext.Default.SingleHopRequest, cancellationToken) is { } body
                        ? Results.Json(new SingleHopAnswer(200, body), ReferenceJsonContext.Default.SingleHopAnswer)
                        : Results.BadRequest());
                break;
            case BareFront:
                app.MapPost("/calculator", async (HttpRequest request, EchoFanOut fanOut, CancellationToken cancellationToken) =>
                {
                    if (await request.ReadFromJsonAsync(ReferenceJsonContext.Default.SingleHopRequest, cancellationToken) is not { } body)
                    {
                        return Results.BadRequest();
                    }

                    await fanOut.CallAsTheFrontAsync(new Message { Weight = body.Weight, Height = body.Height, Text = body.ActivityIntensity }, cancellationToken);
                    return Results.Json(new SingleHopAnswer(200, body), ReferenceJsonContext.Default.SingleHopAnswer);
                });
                break;
            default:
                throw new ArgumentException($"Unknown reference '{kind}'.", nameof(kind));
        }

        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// The libraries as the chain's features use them: OpenTelemetry tracing (the sampler from the environment, as
    /// the services read it) and logs with no exporter, metrics read by a Prometheus exporter as the services' are, and
    /// problem details; the calls' resilience is in <see cref="EchoFanOut"/>.
    /// </summary>
    private static void AddFeatureLibraries(WebApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry();
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddGrpcClientInstrumentation(options => options.SuppressDownstreamInstrumentation = true)
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation().AddPrometheusExporter());
        builder.Services.AddProblemDetails();
    }

    private sealed class EchoServer : EchoService.EchoServiceBase
    {
        public override Task<Message> SayHello(Message request, ServerCallContext context) => Task.FromResult(request);
    }

    private sealed class FanOutServer(EchoFanOut fanOut) : EchoService.EchoServiceBase
    {
        public override async Task<Message> SayHello(Message request, ServerCallContext context)
        {
            await fanOut.CallAllAsync(request, context.CancellationToken);
            return request;
        }
    }
}

/// <summary>
/// A long-lived channel to each downstream echo, called as the chain's callers call theirs; with the features'
/// libraries, each call goes through a Polly retry and circuit breaker with a deadline and a linked cancellation.
/// </summary>
internal sealed class EchoFanOut(IReadOnlyList<int> ports, bool withLibraries) : IDisposable
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(5);

    private readonly GrpcChannel[] _channels = [.. ports.Select(port => GrpcEchoConnection.OpenChannel(new Uri($"http://127.0.0.1:{port}")))];

    private readonly ResiliencePipeline[] _pipelines = [.. ports.Select(_ => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions { ShouldHandle = new PredicateBuilder().Handle<RpcException>(failure => failure.StatusCode == Grpc.Core.StatusCode.Unavailable) })
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions { ShouldHandle = new PredicateBuilder().Handle<RpcException>() })
        .Build())];

    /// <summary>Every downstream at once, as recommendations-grpc calls water, proteins and calories.</summary>
    public Task<Message[]> CallAllAsync(Message message, CancellationToken cancellationToken) =>
        Task.WhenAll(_channels.Select((_, index) => CallAsync(index, message, cancellationToken)));

    /// <summary>
    /// The first two downstreams at once and the third as soon as the first has answered, as health-api calls
    /// recommendations-grpc with bmr-grpc's answer: the chain's longest path has two round trips from the front.
    /// </summary>
    public async Task CallAsTheFrontAsync(Message message, CancellationToken cancellationToken)
    {
        var first = CallAsync(0, message, cancellationToken);
        var second = CallAsync(1, message, cancellationToken);
        await Task.WhenAll(first, second, ThirdAsync());

        async Task<Message> ThirdAsync() => await CallAsync(2, await first, cancellationToken);
    }

    private Task<Message> CallAsync(int index, Message message, CancellationToken cancellationToken) => withLibraries
        ? _pipelines[index].ExecuteAsync(
            async token =>
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(token);
                return await new EchoService.EchoServiceClient(_channels[index]).SayHelloAsync(message, deadline: DateTime.UtcNow + s_deadline, cancellationToken: linked.Token);
            }, cancellationToken).AsTask()
        : new EchoService.EchoServiceClient(_channels[index]).SayHelloAsync(message, cancellationToken: cancellationToken).ResponseAsync;

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}

internal sealed record SingleHopRequest(int Age, double Weight, double Height, string Gender, string ActivityIntensity);

internal sealed record SingleHopAnswer(int Status, SingleHopRequest HealthInfo);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SingleHopRequest))]
[JsonSerializable(typeof(SingleHopAnswer))]
internal sealed partial class ReferenceJsonContext : JsonSerializerContext;
