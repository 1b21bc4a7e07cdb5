using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NutritionAspire.Contracts.Bmr;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>How a service's channels behave on the wire, against a server that judges them as grpc-go does.</summary>
public sealed class GrpcDependencyChannelTests
{
    private const string AddressVariable = "BMR_SERVICE_ENDPOINT";
    private static readonly TimeSpan s_pingDelay = TimeSpan.FromSeconds(1);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheChannelConnectsAtStartBeforeAnyCall()
    {
        await using var server = new RawHttp2Server();
        server.Start();
        using var host = CreateHost(server.Address);

        await host.StartAsync(Cancellation);

        await server.Accepted.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        await host.StopAsync(Cancellation);
    }

    [Fact]
    public async Task StartUpDoesNotWaitForADependencyThatIsDown()
    {
        var address = Loopback.Address(Loopback.UnusedPort());
        using var host = CreateHost(address, new() { ["GrpcDependencies:CallTimeout"] = "00:01:00" });

        // Connecting would be retried for ten call timeouts; start-up returns long before.
        await host.StartAsync(Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        await host.StopAsync(Cancellation);
    }

    [Fact]
    public async Task PingsAreSentOnlyWhileCallsAreInFlight()
    {
        await using var server = new RawHttp2Server(holdAnswers: true);
        server.Start();
        using var host = CreateHost(server.Address, new() { ["GrpcDependencies:KeepAlivePingDelay"] = s_pingDelay.ToString() });
        await host.StartAsync(Cancellation);
        var client = host.Services.GetRequiredService<BMRService.BMRServiceClient>();

        // A call the server holds open: the client checks the connection with a ping after the delay.
        var call = client.SayHelloAsync(new Message(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: Cancellation);
        await server.PingWhileCallOpen.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        server.ReleaseAnswers();
        await call;

        // Idle: no call in flight for eight ping delays. The window is what is observed, not a wait for a condition.
        // A ping already on its way as the call ended may count once; grpc-go closes the connection after the third.
        await Task.Delay(s_pingDelay * 8, Cancellation);

        Assert.True(server.IdlePingStrikes <= RawHttp2Server.MaxPingStrikes,
            $"{server.IdlePingStrikes} pings on an idle connection: grpc-go would answer GOAWAY too_many_pings.");
        await host.StopAsync(Cancellation);
    }

    private static IHost CreateHost(string address, Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [AddressVariable] = address });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.AddGrpcDependency(ResourceNames.BmrGrpc, AddressVariable, invoker => new BMRService.BMRServiceClient(invoker));
        return builder.Build();
    }
}
