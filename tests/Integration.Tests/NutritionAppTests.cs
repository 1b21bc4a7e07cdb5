using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>End to end through the real AppHost: seven processes, service discovery, tracing and a dependency outage.</summary>
[Collection(SharedNutritionApp.Name)]
public sealed class NutritionAppTests(NutritionAppFixture fixture)
{
    private static readonly TimeSpan s_waitTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void EverySevenResourceRunsWithEveryHealthCheckPassing()
    {
        foreach (var name in NutritionServices.All)
        {
            Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(name, out var resource), $"{name} has no state");
            var snapshot = resource.Snapshot;
            Assert.Equal(KnownResourceStates.Running, snapshot.State?.Text);
            // A resource without health checks would count as healthy: each must have its probe's check, and pass it.
            Assert.False(snapshot.HealthReports.IsEmpty, $"{name} has no health check");
            Assert.All(snapshot.HealthReports, report =>
                Assert.True(report.Status == HealthStatus.Healthy, $"{name}: {report.Name} is {report.Status}: {report.Description} {report.ExceptionText}"));
        }
    }

    [Fact]
    public async Task WorkedExampleReturnsTheContractJson()
    {
        using var client = fixture.App.CreateHttpClient(ResourceNames.HealthApi);

        using var response = await PostAsync(client);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(WorkedExample.ResponseWithoutId, WorkedExample.WithoutId(await response.Content.ReadAsStringAsync(Cancellation)));
    }

    [Fact]
    public async Task OneRequestIsOneTraceWithSpansFromAllSevenServices()
    {
        using var client = fixture.App.CreateHttpClient(ResourceNames.HealthApi);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var callerSpanId = ActivitySpanId.CreateRandom().ToHexString();

        using var response = await PostAsync(client, $"00-{traceId}-{callerSpanId}-01");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Spans arrive per service as each batch is exported; the trace is whole once every span's parent is in it.
        var trace = await fixture.Spans.WaitForTraceAsync(traceId,
            spans => NutritionServices.All.All(service => spans.Any(span => span.ServiceName == service))
                && spans.All(span => span.ParentId == callerSpanId || spans.Any(parent => parent.Id == span.ParentId)),
            s_waitTimeout, Cancellation);

        Assert.Equal(NutritionServices.All.Order(), trace.Select(span => span.ServiceName).Distinct().Order());
        var root = Assert.Single(trace, span => span.ParentId == callerSpanId);
        Assert.Equal(ResourceNames.HealthApi, root.ServiceName);
        Assert.Equal("POST /calculator", root.Name, ignoreCase: true);
        foreach (var service in NutritionServices.Grpc)
        {
            Assert.Contains(trace, span => span.ServiceName == service && span.Name!.EndsWith("/SayHello", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AStoppedDependencyIsAPrompt503AndServiceResumesWhenItIsBack()
    {
        using var timeout = Timeout();
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        using var client = fixture.App.CreateHttpClient(ResourceNames.HealthApi);

        var stop = await commands.ExecuteCommandAsync(ResourceNames.ImcGrpc, KnownResourceCommands.StopCommand, timeout.Token);
        Assert.True(stop.Success, stop.Message);
        await fixture.App.ResourceNotifications.WaitForResourceAsync(ResourceNames.ImcGrpc,
            resourceEvent => resourceEvent.Snapshot.State?.Text is "Exited" or "Finished", timeout.Token);

        var elapsed = Stopwatch.StartNew();
        using (var unavailable = await PostAsync(client))
        {
            elapsed.Stop();
            var body = await unavailable.Content.ReadAsStringAsync(Cancellation);
            Assert.True(unavailable.StatusCode == HttpStatusCode.ServiceUnavailable, body);
            using var problem = JsonDocument.Parse(body);
            Assert.Equal(ResourceNames.ImcGrpc, problem.RootElement.GetProperty("dependency").GetString());
            Assert.InRange(elapsed.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3.5));
        }

        var start = await commands.ExecuteCommandAsync(ResourceNames.ImcGrpc, KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(start.Success, start.Message);
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.ImcGrpc, timeout.Token);

        using var recovered = await PostUntilAsync(client, HttpStatusCode.OK, timeout.Token);
        Assert.Equal(WorkedExample.ResponseWithoutId, WorkedExample.WithoutId(await recovered.Content.ReadAsStringAsync(Cancellation)));
    }

    private static CancellationTokenSource Timeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(s_waitTimeout);
        return timeout;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string? traceparent = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/calculator")
        {
            Content = new StringContent(WorkedExample.Request, Encoding.UTF8, "application/json"),
        };
        if (traceparent is not null)
        {
            request.Headers.Add("traceparent", traceparent);
        }

        return client.SendAsync(request, Cancellation);
    }

    /// <summary>Posts the worked example until it gets <paramref name="status"/>, failing after the wait timeout.</summary>
    private static Task<HttpResponseMessage> PostUntilAsync(HttpClient client, HttpStatusCode status, CancellationToken cancellationToken)
    {
        var last = "no answer yet";
        return Eventually.ReturnsAsync(
            async _ =>
            {
                var response = await PostAsync(client);
                if (response.StatusCode == status)
                {
                    return response;
                }

                last = $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
                response.Dispose();
                return null;
            },
            s_waitTimeout,
            () => $"the last answer was {last}",
            cancellationToken);
    }
}
