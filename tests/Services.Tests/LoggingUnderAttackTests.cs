using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NutritionAspire.Contracts.Calories;
using NutritionAspire.Contracts.Proteins;
using NutritionAspire.Contracts.Recommendations;
using NutritionAspire.Contracts.Water;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// Logs an attacker controls stay bounded (docs/contract.md §6): an HTTP/2 rapid reset and storms of calls the client
/// cancels or breaks off write no line at Warning or above, and at most a handful at Information (the level the
/// services log at), however many streams and calls there are; on every service, through Kestrel's real HTTP/2.
/// </summary>
public sealed class LoggingUnderAttackTests
{
    /// <summary>Lines at Information a whole burst may add (a dependency's first connection, say): not one per call.</summary>
    private const int MaxInformationLines = 5;

    /// <summary>An empty request message in its five-byte frame, and the first three bytes of that frame.</summary>
    private static readonly byte[] s_emptyMessage = [0, 0, 0, 0, 0], s_brokenOffMessage = [0, 0, 0];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(HostedGrpcService.Resources), MemberType = typeof(HostedGrpcService))]
    public async Task AnHttp2RapidResetIsNotLoggedAboveDebug(string resource)
    {
        await using var hung = StartHungServer();
        await using var service = HostedGrpcService.Start(resource, DependenciesAt(hung), onKestrel: true);
        using var activity = new ServerActivity(service.Host.Services);
        var before = service.Host.Logs.Count;

        // 10 connections, each opening and at once resetting up to 2,000 streams, until the server closes it.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            await using var client = await RawHttp2Client.ConnectAsync(service.Address!, Cancellation);
            for (var stream = 0; stream < 2_000; stream++)
            {
                if (!await client.SendGrpcRequestAsync(service.MethodPath, s_emptyMessage, endStream: true, reset: true, Cancellation))
                {
                    break;
                }
            }

            await client.WaitUntilServerCaughtUpAsync(Cancellation);
        }));

        await activity.WaitUntilIdleAsync(Cancellation);
        AssertBounded(service.Host.Logs.Skip(before).Select(log => (log.Level, log.Category, log.Message)));
    }

    [Theory]
    [MemberData(nameof(HostedGrpcService.Resources), MemberType = typeof(HostedGrpcService))]
    public async Task StreamsResetWhileTheRequestIsReadAreNotLoggedAboveDebug(string resource)
    {
        await using var hung = StartHungServer();
        await using var service = HostedGrpcService.Start(resource, DependenciesAt(hung), onKestrel: true);
        using var activity = new ServerActivity(service.Host.Services);
        var before = service.Host.Logs.Count;

        // A deadline as a real caller sends it, then part of the message, and the stream reset: 500 times, on a new
        // connection whenever the server closes one (Kestrel closes a connection that resets streams this fast).
        var client = await RawHttp2Client.ConnectAsync(service.Address!, Cancellation);
        try
        {
            for (var stream = 0; stream < 500; stream++)
            {
                while (!await client.SendGrpcRequestAsync(service.MethodPath, s_brokenOffMessage, endStream: false, reset: true, Cancellation, grpcTimeout: "5S"))
                {
                    await client.DisposeAsync();
                    client = await RawHttp2Client.ConnectAsync(service.Address!, Cancellation);
                }
            }

            await client.WaitUntilServerCaughtUpAsync(Cancellation);
        }
        finally
        {
            await client.DisposeAsync();
        }

        await activity.WaitUntilIdleAsync(Cancellation);
        AssertBounded(service.Host.Logs.Skip(before).Select(log => (log.Level, log.Category, log.Message)));
    }

    [Fact]
    public async Task CallsToRecommendationsCancelledWhileItsDependenciesHangAreNotLoggedAboveDebug()
    {
        await using var hung = StartHungServer();
        await using var service = HostedGrpcService.Start(ResourceNames.RecommendationsGrpc, DependenciesAt(hung), onKestrel: true);
        using var activity = new ServerActivity(service.Host.Services);
        var before = service.Host.Logs.Count;
        var client = new RecomendationsService.RecomendationsServiceClient(service.Channel);
        using var caller = new CancellationTokenSource();

        var calls = Enumerable.Range(0, 200).Select(_ => client.SayHelloAsync(
            new() { Weight = 90, Height = 1.77, Calories = 3000 }, deadline: DateTime.UtcNow.AddMinutes(1), cancellationToken: caller.Token).ResponseAsync).ToList();
        await Eventually.ReturnsAsync(_ => Task.FromResult(hung.OpenCalls >= 3 * calls.Count ? "all waiting" : null),
            TimeSpan.FromSeconds(30), () => $"{hung.OpenCalls} of {3 * calls.Count} dependency calls open", Cancellation, TimeSpan.FromMilliseconds(20));
        await caller.CancelAsync();
        foreach (var call in calls)
        {
            Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => call)).StatusCode);
        }

        await activity.WaitUntilIdleAsync(Cancellation);
        AssertBounded(service.Host.Logs.Skip(before).Select(log => (log.Level, log.Category, log.Message)));
    }

    [Fact]
    public async Task RequestsToHealthApiCancelledWhileADependencyHangsAreNotLoggedAboveDebug()
    {
        await using var backends = await FakeBackends.StartAsync(Cancellation);
        await using var api = new HealthApiFactory(backends, new Dictionary<string, string?>
        {
            ["RateLimit:Enabled"] = "false",
            ["Calculator:RequestTimeout"] = "00:01:00",
            ["GrpcDependencies:CallTimeout"] = "00:01:00",
        });
        var server = api.StartOnKestrel();
        await api.WaitUntilWarmAsync(Cancellation);
        backends.Bmr = async (_, context) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
            throw new InvalidOperationException("Not reached: the call is cancelled.");
        };
        using var activity = new ServerActivity(api.Services);
        var before = api.Logs.GetSnapshot().Count;
        var bmrCallsBefore = backends.BmrCalls;

        // 200 clients send a whole request and go away while bmr-grpc has it; 200 more go away halfway through the body.
        var requests = RawHttp.Post("/calculator", Encoding.UTF8.GetBytes(WorkedExample.Request));
        var connections = new List<TcpClient>();
        for (var client = 0; client < 200; client++)
        {
            connections.Add(await ConnectAndSendAsync(server, requests));
        }

        await Eventually.ReturnsAsync(_ => Task.FromResult(backends.BmrCalls - bmrCallsBefore >= 200 ? "all waiting" : null),
            TimeSpan.FromSeconds(30), () => $"{backends.BmrCalls - bmrCallsBefore} of 200 requests reached bmr-grpc", Cancellation, TimeSpan.FromMilliseconds(20));
        for (var client = 0; client < 200; client++)
        {
            connections.Add(await ConnectAndSendAsync(server, requests[..^20]));
        }

        connections.ForEach(connection => connection.Dispose());
        await activity.WaitUntilIdleAsync(Cancellation);
        AssertBounded(api.Logs.GetSnapshot().Skip(before).Select(log => (log.Level, log.Category ?? "", log.Message)));

        static async Task<TcpClient> ConnectAndSendAsync(Uri server, byte[] bytes)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(server.Host, server.Port, Cancellation);
            await tcp.GetStream().WriteAsync(bytes, Cancellation);
            return tcp;
        }
    }

    /// <summary>An h2c server that takes every call and answers none: dependencies that hang.</summary>
    private static RawHttp2Server StartHungServer()
    {
        var server = new RawHttp2Server(holdAnswers: true);
        server.Start();
        return server;
    }

    /// <summary>recommendations-grpc's three dependencies at <paramref name="server"/> (the other services have none).</summary>
    private static Action<IServiceCollection> DependenciesAt(RawHttp2Server server) => services =>
    {
        var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://{server.Address}");
        services.AddSingleton(new WaterService.WaterServiceClient(channel));
        services.AddSingleton(new ProteinsService.ProteinsServiceClient(channel));
        services.AddSingleton(new CaloriesService.CaloriesServiceClient(channel));
    };

    private static void AssertBounded(IEnumerable<(LogLevel Level, string Category, string Message)> logs)
    {
        var lines = logs.Where(log => log.Level >= LogLevel.Information).ToList();
        var described = string.Join("\n", lines.GroupBy(log => (log.Level, log.Category, log.Message))
            .Select(group => $"{group.Count()} x {group.Key.Level} {group.Key.Category}: {group.Key.Message}"));
        Assert.True(lines.All(log => log.Level < LogLevel.Warning), $"Lines at Warning or above:\n{described}");
        Assert.True(lines.Count <= MaxInformationLines, $"{lines.Count} lines at Information:\n{described}");
    }
}
