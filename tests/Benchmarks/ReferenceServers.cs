using System.Net;
using System.Text.Json.Serialization;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using NutritionAspire.Benchmarks.Echo;

namespace NutritionAspire.Benchmarks;

/// <summary>
/// The two yardsticks the chain is measured against, each run in a process of its own: one HTTP hop that parses the
/// calculator body and answers JSON, and one gRPC unary round trip that answers what it is sent.
/// </summary>
internal static class ReferenceServers
{
    public const string SingleHop = "single-hop";
    public const string GrpcEcho = "grpc-echo";

    public static async Task<int> RunAsync(string kind, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear();
        var protocols = kind == GrpcEcho ? HttpProtocols.Http2 : HttpProtocols.Http1;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = protocols));
        if (kind == GrpcEcho)
        {
            builder.Services.AddGrpc();
        }
        else
        {
            builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ReferenceJsonContext.Default));
        }

        var app = builder.Build();
        if (kind == GrpcEcho)
        {
            app.MapGrpcService<EchoServer>();
        }
        else
        {
            app.MapPost("/calculator", async (HttpRequest request, CancellationToken cancellationToken) =>
                await request.ReadFromJsonAsync(ReferenceJsonContext.Default.SingleHopRequest, cancellationToken) is { } body
                    ? Results.Json(new SingleHopAnswer(200, body), ReferenceJsonContext.Default.SingleHopAnswer)
                    : Results.BadRequest());
        }

        await app.RunAsync();
        return 0;
    }

    private sealed class EchoServer : EchoService.EchoServiceBase
    {
        public override Task<Message> SayHello(Message request, ServerCallContext context) => Task.FromResult(request);
    }
}

internal sealed record SingleHopRequest(int Age, double Weight, double Height, string Gender, string ActivityIntensity);

internal sealed record SingleHopAnswer(int Status, SingleHopRequest HealthInfo);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SingleHopRequest))]
[JsonSerializable(typeof(SingleHopAnswer))]
internal sealed partial class ReferenceJsonContext : JsonSerializerContext;
