using System.Diagnostics;
using System.Net;
using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NutritionAspire.Benchmarks.Echo;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>
/// The benchmark's bare front, as its program serves it, against three echoes served here: it must call them as
/// health-api calls bmr-grpc, imc-grpc and recommendations-grpc, or the bare chain's serial latency is measured over a
/// shorter path than the chain's (docs/performance.md, "The references, corrected").
/// </summary>
public sealed class BareChainReferenceTests
{
    /// <summary>
    /// How long the first echo holds its answer unless the third is called meanwhile: long enough for the second call,
    /// sent at the same moment, to arrive on a busy machine.
    /// </summary>
    private static readonly TimeSpan s_hold = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task TheBareFrontCallsItsSecondEchoAtOnceAndItsThirdOnlyOnceTheFirstHasAnswered()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var calls = new CallLog();
        await using var first = await EchoServer.StartAsync(calls, "first", holdUntilCalled: "third");
        await using var second = await EchoServer.StartAsync(calls, "second");
        await using var third = await EchoServer.StartAsync(calls, "third");
        var frontPort = Loopback.UnusedPort();
        // The serve mode writes no logs, so its output needs no reading.
        using var front = Process.Start(new ProcessStartInfo("dotnet",
            [BuiltPrograms.Benchmark, "serve", "bare-front", $"{frontPort}", $"{first.Port}", $"{second.Port}", $"{third.Port}"]))!;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://{Loopback.Address(frontPort)}"), Timeout = TimeSpan.FromSeconds(30) };
            using var body = new StringContent(WorkedExample.Request, Encoding.UTF8, "application/json");
            var answer = await Eventually.ReturnsAsync(
                async token =>
                {
                    try
                    {
                        return await http.PostAsync(Contracts.WorkedExample.Path, body, token);
                    }
                    catch (HttpRequestException)
                    {
                        return null;
                    }
                },
                TimeSpan.FromSeconds(60), () => $"the bare front on port {frontPort} never answered", cancellationToken);

            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var events = calls.Events;
            Assert.Equal(6, events.Count);
            // The second while the first still holds its answer; the third only after the first has answered.
            Assert.True(events.IndexOf("second called") < events.IndexOf("first answered"), string.Join(", ", events));
            Assert.True(events.IndexOf("first answered") < events.IndexOf("third called"), string.Join(", ", events));
        }
        finally
        {
            front.Kill(entireProcessTree: true);
            await front.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>What the echoes saw, in order, and a signal per echo that it has been called.</summary>
    private sealed class CallLog
    {
        private readonly List<string> _events = [];
        private readonly Dictionary<string, TaskCompletionSource> _called = [];

        public List<string> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public void Add(string echo, string what)
        {
            lock (_events)
            {
                _events.Add($"{echo} {what}");
            }
        }

        public TaskCompletionSource Called(string echo)
        {
            lock (_events)
            {
                if (!_called.TryGetValue(echo, out var signal))
                {
                    signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _called[echo] = signal;
                }

                return signal;
            }
        }
    }

    /// <summary>
    /// An echo on a loopback port that logs its calls; with <c>holdUntilCalled</c>, it answers only once that echo has
    /// been called, or after <see cref="s_hold"/> when it is not.
    /// </summary>
    private sealed class EchoServer(WebApplication app, int port) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public static async Task<EchoServer> StartAsync(CallLog calls, string name, string? holdUntilCalled = null)
        {
            var port = Loopback.UnusedPort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            // Nothing from the test's folder or environment (a service's appsettings.json names Kestrel endpoints).
            builder.Configuration.Sources.Clear();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(new Echo(calls, name, holdUntilCalled));
            var app = builder.Build();
            app.MapGrpcService<Echo>();
            await app.StartAsync();
            return new EchoServer(app, port);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed class Echo(CallLog calls, string name, string? holdUntilCalled) : EchoService.EchoServiceBase
    {
        public override async Task<Message> SayHello(Message request, ServerCallContext context)
        {
            calls.Add(name, "called");
            calls.Called(name).TrySetResult();
            if (holdUntilCalled is not null)
            {
                try
                {
                    await calls.Called(holdUntilCalled).Task.WaitAsync(s_hold, context.CancellationToken);
                }
                catch (TimeoutException)
                {
                    // Not called while this answer was held: as it should be.
                }
            }

            calls.Add(name, "answered");
            return request;
        }
    }
}
