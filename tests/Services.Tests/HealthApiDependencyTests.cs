using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NutritionAspire.ServiceDefaults;
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
        Assert.Equal("rpc error: code = Unavailable desc = imc-grpc: unavailable", problem.GetProperty("error").GetString());
        Assert.Equal("imc-grpc is unavailable.", problem.GetProperty("detail").GetString());
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        Assert.Equal(3, _backends.ImcCalls);
    }

    /// <summary>What a dependency says in its status detail is never passed on: it can name the services behind it,
    /// their addresses or timings, or quote an exception.</summary>
    [Theory]
    [InlineData("recommendations-grpc", StatusCode.Unavailable, "water-grpc: circuit open: water-grpc kept failing; calls are refused for 1.6 s more.")]
    [InlineData("recommendations-grpc", StatusCode.DeadlineExceeded, "proteins-grpc at 10.0.3.7:30000 took 2.07 s")]
    [InlineData("bmr-grpc", StatusCode.Internal, "Exception was thrown by handler. NullReferenceException: at Bmr.Calculate() in /src/Bmr.cs:line 12")]
    [InlineData("imc-grpc", StatusCode.Unknown, "dial tcp 10.0.3.9:30000: connect: connection refused")]
    [InlineData("imc-grpc", StatusCode.Unavailable, "")]
    public async Task A503SaysWhatFailedInOurWordsNamingOnlyTheDependencyCalled(string dependency, StatusCode code, string detail)
    {
        var failure = new RpcException(new Status(code, detail));
        switch (dependency)
        {
            case "bmr-grpc": _backends.Bmr = (_, _) => throw failure; break;
            case "imc-grpc": _backends.Imc = (_, _) => throw failure; break;
            default: _backends.Recommendations = (_, _) => throw failure; break;
        }

        await using var api = new HealthApiFactory(_backends);
        using var client = api.CreateClient();
        using var response = await PostAsync(client, WorkedExample.Request);
        var problem = await ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable);

        Assert.Equal(dependency, problem.GetProperty("dependency").GetString());
        Assert.Equal($"rpc error: code = {code} desc = {dependency}: ", problem.GetProperty("error").GetString()![..($"rpc error: code = {code} desc = {dependency}: ".Length)]);
        Assert.StartsWith(dependency, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        foreach (var leaked in new[] { "water-grpc", "proteins-grpc", "10.0.3", "2.07", "1.6 s", "Exception", "/src/", "dial tcp" })
        {
            Assert.DoesNotContain(leaked, problem.GetRawText(), StringComparison.Ordinal);
        }

        Assert.True(int.Parse(response.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
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
        // Deadlines far away: a refused connection is answered by what it is, not by waiting for one.
        await using var api = new HealthApiFactory(_backends, new Dictionary<string, string?>(Timeouts("00:00:30"))
        {
            ["RECOMMENDATIONS_SERVICE_ENDPOINT"] = Loopback.Address(Loopback.UnusedPort()),
        });
        using var client = api.CreateClient();

        var elapsed = Stopwatch.StartNew();
        using var response = await PostAsync(client, WorkedExample.Request);
        elapsed.Stop();
        var problem = await ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable);

        Assert.Equal("recommendations-grpc", problem.GetProperty("dependency").GetString());
        Assert.Equal("Error to create gRPC Connection with Recommendations Service", problem.GetProperty("message").GetString());
        Assert.Equal("rpc error: code = Unavailable desc = recommendations-grpc: unavailable", problem.GetProperty("error").GetString());
        Assert.Equal("recommendations-grpc is unavailable.", problem.GetProperty("detail").GetString());
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"A refused connection took {elapsed.Elapsed} to answer.");
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
        Assert.Equal("rpc error: code = DeadlineExceeded desc = imc-grpc: no answer within the deadline", problem.GetProperty("error").GetString());
        Assert.Equal("imc-grpc did not answer within its deadline.", problem.GetProperty("detail").GetString());
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

    [Fact]
    public async Task ValuesOutsideTheFormulasAreUnprocessableNamingTheFields()
    {
        await using var api = new HealthApiFactory(_backends);
        using var client = api.CreateClient();

        // Each in range, but 66 + 13.75 + 500 - 1020 is a negative basal metabolic rate.
        using var response = await PostAsync(client, """{"age":150,"weight":1,"height":1,"gender":"M","activity_intensity":"sedentary"}""");
        var problem = await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("bmr-grpc", problem.GetProperty("dependency").GetString());
        Assert.Equal("The values of age, weight, height are outside what bmr-grpc can compute.", problem.GetProperty("error").GetString());
        Assert.Equal(["age", "weight", "height"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(0, _backends.RecommendationsCalls);
    }

    [Theory]
    [InlineData("bmr-grpc", "activity", "activity_intensity")]
    [InlineData("imc-grpc", "height", "height")]
    [InlineData("recommendations-grpc", "calories", "age,weight,height,gender,activity_intensity")]
    public async Task TheFieldsADependencyNamesAreTheBodysFieldsInTheProblem(string dependency, string field, string bodyFields)
    {
        var problem = await RefusedByAsync(dependency, FieldViolations.InvalidArgument($"{field} is refused.", [field]));

        Assert.Equal(bodyFields.Split(','), problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Theory]
    [InlineData("bmr-grpc", "bmr must be a finite number of at least 0")]
    [InlineData("imc-grpc", "weight must be a finite number greater than 0")]
    [InlineData("recommendations-grpc", "proteins-grpc: weight gives a protein that does not fit")]
    public async Task ADependencysInvalidArgumentIsTheClientsDataNotAnOutage(string dependency, string detail)
    {
        var problem = await RefusedByAsync(dependency, new RpcException(new Status(StatusCode.InvalidArgument, detail)));

        Assert.Equal(dependency, problem.GetProperty("dependency").GetString());
        // In our words: the dependency's own text may name the services behind it.
        Assert.EndsWith($"are outside what {dependency} can compute.", problem.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(detail, problem.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("weight", problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    /// <summary>Posts the worked example while <paramref name="dependency"/> refuses it, and reads the 422 problem.</summary>
    private async Task<JsonElement> RefusedByAsync(string dependency, RpcException refusal)
    {
        switch (dependency)
        {
            case "bmr-grpc": _backends.Bmr = (_, _) => throw refusal; break;
            case "imc-grpc": _backends.Imc = (_, _) => throw refusal; break;
            default: _backends.Recommendations = (_, _) => throw refusal; break;
        }

        await using var api = new HealthApiFactory(_backends);
        using var client = api.CreateClient();
        using var response = await PostAsync(client, WorkedExample.Request);
        return await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task AnAnswerThatIsNotAFiniteNumberIsRefusedNotWritten()
    {
        _backends.Imc = (_, _) => Task.FromResult(new NutritionAspire.Contracts.Imc.Response { Imc = double.PositiveInfinity, Class = "obese" });
        await using var api = new HealthApiFactory(_backends);
        using var client = api.CreateClient();

        using var response = await PostAsync(client, WorkedExample.Request);
        var problem = await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("imc-grpc", problem.GetProperty("dependency").GetString());
        Assert.Equal(["weight", "height"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task AHungDependencyOpensTheCircuitForFast503sAndRecoversWhenItAnswersAgain()
    {
        var hung = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var imc = _backends.Imc;
        _backends.Imc = async (request, context) =>
        {
            // Accepts the call and does not answer (a stopped process, not a refused connection) until released.
            await hung.Task.WaitAsync(context.CancellationToken);
            return await imc(request, context);
        };
        await using var api = new HealthApiFactory(_backends, new Dictionary<string, string?>
        {
            ["Calculator:RequestTimeout"] = "00:00:10",
            ["GrpcDependencies:CallTimeout"] = "00:00:01",
            ["GrpcDependencies:CircuitBreakerMinimumCalls"] = "3",
            ["GrpcDependencies:CircuitBreakDuration"] = "00:00:01",
        });
        using var client = api.CreateClient();

        // Three requests wait out the deadline together; then the circuit is open.
        var timedOut = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostAsync(client, WorkedExample.Request)));
        foreach (var response in timedOut)
        {
            var problem = await ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("rpc error: code = DeadlineExceeded desc = imc-grpc: no answer within the deadline", problem.GetProperty("error").GetString());
            response.Dispose();
        }

        var callsWhenOpened = _backends.ImcCalls;
        var elapsed = Stopwatch.StartNew();
        using (var fast = await PostAsync(client, WorkedExample.Request))
        {
            elapsed.Stop();
            var problem = await ReadProblemAsync(fast, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("imc-grpc", problem.GetProperty("dependency").GetString());
            Assert.Equal("rpc error: code = Unavailable desc = imc-grpc: circuit open after repeated failures", problem.GetProperty("error").GetString());
            // The break is one second: the time until a trial call may pass, rounded up, is one second.
            Assert.Equal("1", fast.Headers.RetryAfter?.ToString());
        }

        // Refused without calling imc, so far inside the one-second deadline.
        Assert.Equal(callsWhenOpened, _backends.ImcCalls);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(0.5), $"The open circuit took {elapsed.Elapsed} to answer.");

        hung.SetResult();
        var recovered = Stopwatch.StartNew();
        await Eventually.ReturnsAsync(async cancellationToken =>
        {
            using var response = await PostAsync(client, WorkedExample.Request);
            return response.StatusCode == HttpStatusCode.OK ? response.StatusCode.ToString() : null;
        }, TimeSpan.FromSeconds(5), () => "health-api still answers 503 after imc answers again", Cancellation, TimeSpan.FromMilliseconds(100));
        Assert.True(recovered.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AClientThatGoesAwayIsLoggedBelowError()
    {
        await using var api = new HealthApiFactory(_backends, new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
            ["Calculator:RequestTimeout"] = "00:00:30",
            ["GrpcDependencies:CallTimeout"] = "00:00:30",
        });
        var server = api.StartOnKestrel();
        // bmr-grpc hangs only once the warm-up's own call has gone through: the call waited on below is this request's.
        await api.WaitUntilWarmAsync(Cancellation);
        var (bmrCalled, bmrCancelled) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _backends.Bmr = async (_, context) =>
        {
            bmrCalled.TrySetResult();
            await using var registration = context.CancellationToken.Register(() => bmrCancelled.TrySetResult());
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
            throw new UnreachableException();
        };

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(server.Host, server.Port, Cancellation);
            await tcp.GetStream().WriteAsync(RawHttp.Post("/calculator", Encoding.UTF8.GetBytes(WorkedExample.Request)), Cancellation);
            await bmrCalled.Task.WaitAsync(s_signalTimeout, Cancellation);
        }

        await bmrCancelled.Task.WaitAsync(s_signalTimeout, Cancellation);
        await Eventually.ReturnsAsync(_ => Task.FromResult(api.Logs.GetSnapshot()
                .FirstOrDefault(record => record.Category == "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware")),
            s_signalTimeout, () => "the aborted request was not seen by the exception handler: " + string.Join(" | ", api.Logs.GetSnapshot().Select(r => $"{r.Level} {r.Category} {r.Message}")), Cancellation, TimeSpan.FromMilliseconds(20));
        Assert.DoesNotContain(api.Logs.GetSnapshot(), record => record.Level >= LogLevel.Error);
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

    [Theory]
    [InlineData("GrpcDependencies:CallTimeout", "00:00:00", "GrpcDependencies:CallTimeout must be positive.")]
    [InlineData("GrpcDependencies:CircuitBreakerMinimumCalls", "1", "GrpcDependencies:CircuitBreakerMinimumCalls must be at least 2.")]
    [InlineData("GrpcDependencies:CircuitBreakerFailureRatio", "1.5", "GrpcDependencies:CircuitBreakerFailureRatio must be over 0 and at most 1.")]
    [InlineData("GrpcDependencies:CircuitMaxBreakDuration", "00:00:01", "GrpcDependencies:CircuitMaxBreakDuration must be at least CircuitBreakDuration.")]
    [InlineData("GrpcDependencies:KeepAlivePingDelay", "00:00:00.500", "GrpcDependencies:KeepAlivePingDelay must be at least 1 second.")]
    [InlineData("GrpcDependencies:CallTimout", "00:00:01", "CallTimout")]
    public void AnInvalidOrUnknownDependencySettingFailsAtStartUpNamingIt(string key, string value, string message)
    {
        using var api = new HealthApiFactory(_backends, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());

        Assert.Contains(message, Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDependencySettingsAreReadOnceForAllDependencies()
    {
        await using var api = new HealthApiFactory(_backends);
        using var client = api.CreateClient();

        Assert.Single(api.Services.GetServices<IOptions<GrpcDependencyOptions>>().OfType<OptionsWrapper<GrpcDependencyOptions>>());
        Assert.Equal(["bmr-grpc", "imc-grpc", "recommendations-grpc"], api.Services.GetServices<GrpcDependency>().Select(d => d.Name));
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
}
