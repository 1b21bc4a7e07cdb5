using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using NutritionAspire.Tests;
using static NutritionAspire.Services.Tests.HealthApiTests;

namespace NutritionAspire.Services.Tests;

/// <summary>How health-api calls its dependencies: concurrently, with deadlines, bounded retries and a fast 503.</summary>
public sealed class HealthApiDependencyTests : IAsyncLifetime
{
    private static readonly TimeSpan s_signalTimeout = TimeSpan.FromSeconds(5);
    private FakeBackends _backends = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _backends = await FakeBackends.StartAsync(Cancellation);

    public ValueTask DisposeAsync() => _backends.DisposeAsync();

    [Fact]
    public async Task BmrAndImcAreCalledConcurrentlyAndRecommendationsDoesNotWaitForImc()
    {
        var imcStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recommendationsStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (bmr, imc, recommendations) = (_backends.Bmr, _backends.Imc, _backends.Recommendations);
        // bmr answers only once imc is in flight, and imc only once recommendations is: a sequential caller would
        // block on the first of these and run into its deadline.
        _backends.Bmr = async (request, context) =>
        {
            await imcStarted.Task.WaitAsync(s_signalTimeout, context.CancellationToken);
            return await bmr(request, context);
        };
        _backends.Imc = async (request, context) =>
        {
            imcStarted.TrySetResult();
            await recommendationsStarted.Task.WaitAsync(s_signalTimeout, context.CancellationToken);
            return await imc(request, context);
        };
        _backends.Recommendations = (request, context) =>
        {
            recommendationsStarted.TrySetResult();
            return recommendations(request, context);
        };
        await using var api = new HealthApiFactory(_backends, Timeouts("00:00:10"));
        using var client = api.CreateClient();

        using var response = await PostAsync(client, WorkedExample.Request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(WorkedExample.ResponseWithoutId, WorkedExample.WithoutId(await response.Content.ReadAsStringAsync(Cancellation)));
    }

    [Fact]
    public async Task AFailingDependencyIsA503NamingItAfterBoundedRetries()
    {
        _backends.Imc = (_, _) => throw new RpcException(new Status(StatusCode.Unavailable, "imc is down"));
        await using var api = new HealthApiFactory(_backends);
        using var client = api.CreateClient();

        using var response = await PostAsync(client, WorkedExample.Request);
        var problem = await ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable);

        Assert.Equal("imc-grpc", problem.GetProperty("dependency").GetString());
        Assert.Equal("Error to create gRPC Connection with IMC Service", problem.GetProperty("message").GetString());
        Assert.Equal("rpc error: code = Unavailable desc = imc is down", problem.GetProperty("error").GetString());
        Assert.Equal(3, _backends.ImcCalls);
    }

    [Fact]
    public async Task AnUnavailableAnswerIsRetriedAndTheRetrySucceeds()
    {
        var imc = _backends.Imc;
        _backends.Imc = (request, context) => _backends.ImcCalls == 1
            ? throw new RpcException(new Status(StatusCode.Unavailable, "restarting"))
            : imc(request, context);
        await using var api = new HealthApiFactory(_backends);
        using var client = api.CreateClient();

        using var response = await PostAsync(client, WorkedExample.Request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _backends.ImcCalls);
    }

    [Fact]
    public async Task OtherErrorsAreNotRetried()
    {
        _backends.Bmr = (_, _) => throw new RpcException(new Status(StatusCode.Internal, "bug"));
        await using var api = new HealthApiFactory(_backends);
        using var client = api.CreateClient();

        using var response = await PostAsync(client, WorkedExample.Request);
        var problem = await ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable);

        Assert.Equal("bmr-grpc", problem.GetProperty("dependency").GetString());
        Assert.Equal("Error to create gRPC Connection with BMR Service", problem.GetProperty("message").GetString());
        Assert.Equal(1, _backends.BmrCalls);
        Assert.Equal(0, _backends.RecommendationsCalls);
    }

    [Fact]
    public async Task AStoppedDependencyIsAFast503NamingIt()
    {
        await using var api = new HealthApiFactory(_backends, new Dictionary<string, string?>
        {
            ["RECOMMENDATIONS_SERVICE_ENDPOINT"] = $"127.0.0.1:{UnusedLoopbackPort()}",
        });
        using var client = api.CreateClient();

        using var response = await PostAsync(client, WorkedExample.Request);
        var problem = await ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable);

        Assert.Equal("recommendations-grpc", problem.GetProperty("dependency").GetString());
        Assert.Equal("Error to create gRPC Connection with Recommendations Service", problem.GetProperty("message").GetString());
        Assert.StartsWith("rpc error: code = Unavailable", problem.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlowDependencyIsA503WithinTheRequestDeadline()
    {
        _backends.Imc = async (_, context) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
            throw new UnreachableException();
        };
        await using var api = new HealthApiFactory(_backends, Timeouts("00:00:01"));
        using var client = api.CreateClient();

        var elapsed = Stopwatch.StartNew();
        using var response = await PostAsync(client, WorkedExample.Request);
        elapsed.Stop();
        var problem = await ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable);

        Assert.Equal("imc-grpc", problem.GetProperty("dependency").GetString());
        Assert.StartsWith("rpc error: code = DeadlineExceeded", problem.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.InRange(elapsed.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public async Task AFailureCancelsTheCallsStillRunning()
    {
        var recommendationsCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backends.Recommendations = async (_, context) =>
        {
            await using var registration = context.CancellationToken.Register(() => recommendationsCancelled.TrySetResult());
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
            throw new UnreachableException();
        };
        var imcMayFail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backends.Imc = async (_, _) =>
        {
            await imcMayFail.Task.WaitAsync(s_signalTimeout);
            throw new RpcException(new Status(StatusCode.Internal, "imc broke"));
        };
        var recommendations = _backends.Recommendations;
        _backends.Recommendations = (request, context) =>
        {
            imcMayFail.TrySetResult();
            return recommendations(request, context);
        };
        await using var api = new HealthApiFactory(_backends, Timeouts("00:00:10"));
        using var client = api.CreateClient();

        using var response = await PostAsync(client, WorkedExample.Request);
        var problem = await ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable);

        Assert.Equal("imc-grpc", problem.GetProperty("dependency").GetString());
        await recommendationsCancelled.Task.WaitAsync(s_signalTimeout, Cancellation);
    }

    [Theory]
    [InlineData("BMR_SERVICE_ENDPOINT", "bmr-grpc:notaport")]
    [InlineData("IMC_SERVICE_ENDPOINT", "ftp://imc-grpc:30000")]
    [InlineData("RECOMMENDATIONS_SERVICE_ENDPOINT", "http://recommendations-grpc:30000/path")]
    public void AMalformedAddressFailsAtStartUpNamingTheVariable(string variable, string value)
    {
        using var api = new HealthApiFactory(_backends, new Dictionary<string, string?> { [variable] = value });

        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());

        Assert.Contains(variable, Flatten(error), StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Timeouts(string timeout) => new()
    {
        ["Calculator:RequestTimeout"] = timeout,
        ["GrpcDependencies:CallTimeout"] = timeout,
    };

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate
            ? string.Join(" | ", aggregate.InnerExceptions.Select(Flatten))
            : error.Message + (error.InnerException is null ? "" : " | " + Flatten(error.InnerException));

    private static int UnusedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
