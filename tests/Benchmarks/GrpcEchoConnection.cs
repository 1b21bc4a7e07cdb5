using Grpc.Net.Client;
using NutritionAspire.Benchmarks.Echo;
using NutritionAspire.Contracts;
using NutritionAspire.LoadTesting;

namespace NutritionAspire.Benchmarks;

/// <summary>A load-test connection to the gRPC echo: a channel of its own (one HTTP/2 connection), one call at a time.</summary>
internal sealed class GrpcEchoConnection(Uri server) : ILoadConnection
{
    private readonly GrpcChannel _channel = OpenChannel(server);

    private EchoService.EchoServiceClient Client => new(_channel);

    /// <summary>About the size of the chain's messages: the worked example's measures.</summary>
    private readonly Message _message = new() { Weight = WorkedExample.Weight, Height = WorkedExample.Height, Text = WorkedExample.Activity };

    public async ValueTask<string?> SendAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Client.SayHelloAsync(_message, cancellationToken: cancellationToken);
            return null;
        }
        catch (Grpc.Core.RpcException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return $"gRPC {exception.StatusCode}";
        }
    }

    /// <summary>A long-lived channel (one HTTP/2 connection) to an echo, as the load generator and the bare chain use.</summary>
    public static GrpcChannel OpenChannel(Uri server) => GrpcChannel.ForAddress(server, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
        ThrowOperationCanceledOnCancellation = true,
    });

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }
}
