using Grpc.Core;
using Grpc.Health.V1;
using NutritionAspire.Bmr;
using NutritionAspire.Calories;
using NutritionAspire.Imc;
using NutritionAspire.Proteins;
using NutritionAspire.Water;
using BmrContract = NutritionAspire.Contracts.Bmr;
using CaloriesContract = NutritionAspire.Contracts.Calories;
using ImcContract = NutritionAspire.Contracts.Imc;
using ProteinsContract = NutritionAspire.Contracts.Proteins;
using WaterContract = NutritionAspire.Contracts.Water;

namespace NutritionAspire.Services.Tests;

/// <summary>The five leaf services over gRPC, in memory: answers, INVALID_ARGUMENT, and the health and metrics endpoints.</summary>
public sealed class GrpcServiceTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BmrAnswersTheWorkedExample()
    {
        await using var factory = new GrpcServiceFactory<BmrService>();
        var client = new BmrContract.BMRService.BMRServiceClient(factory.CreateChannel());

        var response = await client.SayHelloAsync(
            new() { Gender = "M", Weight = 90, Height = 1.77, Age = 26, Activity = "very_active" }, cancellationToken: Cancellation);

        Assert.Equal(2011.7, response.Bmr);
        Assert.Equal(3470.1825000000003, response.Necessity);
    }

    [Fact]
    public async Task BmrRejectsAnUnknownActivityAsInvalidArgument()
    {
        await using var factory = new GrpcServiceFactory<BmrService>();
        var client = new BmrContract.BMRService.BMRServiceClient(factory.CreateChannel());

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(
            new() { Gender = "M", Weight = 90, Height = 1.77, Age = 26, Activity = "couch" }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("activity must be one of", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImcAnswersAndRejectsAZeroHeight()
    {
        await using var factory = new GrpcServiceFactory<ImcService>();
        var client = new ImcContract.IMCService.IMCServiceClient(factory.CreateChannel());

        var response = await client.SayHelloAsync(new() { Weight = 90, Height = 1.77 }, cancellationToken: Cancellation);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.SayHelloAsync(new() { Weight = 90, Height = 0 }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal((28.72737719046251, "overweight"), (response.Imc, response.Class));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("height must be", error.Status.Detail, StringComparison.Ordinal);
        using var http = factory.CreateClient();
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancellation);
        Assert.Contains("rpc_grpc_status_code=\"3\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaterAnswersAndRejectsANegativeWeight()
    {
        await using var factory = new GrpcServiceFactory<WaterService>();
        var client = new WaterContract.WaterService.WaterServiceClient(factory.CreateChannel());

        var response = await client.SayHelloAsync(new() { Weight = 90, Height = 1.77 }, cancellationToken: Cancellation);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.SayHelloAsync(new() { Weight = -90, Height = 1.77 }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal((3150.0, "ml"), (response.Value, response.Unit));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("weight must be", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProteinsAnswersInGramsAndRejectsANonFiniteWeight()
    {
        await using var factory = new GrpcServiceFactory<ProteinsService>();
        var client = new ProteinsContract.ProteinsService.ProteinsServiceClient(factory.CreateChannel());

        var response = await client.SayHelloAsync(new() { Weight = 90.9 }, cancellationToken: Cancellation);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.SayHelloAsync(new() { Weight = double.NaN }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal((180L, "g"), (response.Value, response.Unit));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("weight must be", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaloriesAnswersAndRejectsANegativeNecessity()
    {
        await using var factory = new GrpcServiceFactory<CaloriesService>();
        var client = new CaloriesContract.CaloriesService.CaloriesServiceClient(factory.CreateChannel());

        var response = await client.SayHelloAsync(new() { Necessity = 3470.1825000000003 }, cancellationToken: Cancellation);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.SayHelloAsync(new() { Necessity = -1 }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal((3123.1642500000003, 4511.237250000001, 3470.1825000000003), (response.Loss, response.Gain, response.Maintain));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("necessity must be", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryServiceServesTheGrpcHealthServiceHealthzAndMetrics()
    {
        await using var factory = new GrpcServiceFactory<ImcService>();
        var channel = factory.CreateChannel();
        using var http = factory.CreateClient();

        var status = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: Cancellation);
        await new ImcContract.IMCService.IMCServiceClient(channel).SayHelloAsync(new() { Weight = 70, Height = 1.7 }, cancellationToken: Cancellation);
        using var healthz = await http.GetAsync(new Uri("/healthz", UriKind.Relative), Cancellation);
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancellation);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status.Status);
        Assert.Equal("ok", await healthz.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal("text/plain", healthz.Content.Headers.ContentType?.MediaType);
        Assert.Contains("service_name=\"imc-grpc\"", metrics, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_count{", metrics, StringComparison.Ordinal);
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
            && line.Contains("http_route=\"/imc.IMCService/SayHello\"", StringComparison.Ordinal)
            && line.Contains("rpc_grpc_status_code=\"0\"", StringComparison.Ordinal));
    }
}
