using Grpc.Core;
using Grpc.Health.V1;
using NutritionAspire.Bmr;
using NutritionAspire.Calories;
using NutritionAspire.Contracts.Bmr;
using NutritionAspire.Contracts.Calories;
using NutritionAspire.Contracts.Imc;
using NutritionAspire.Contracts.Proteins;
using NutritionAspire.Contracts.Water;
using NutritionAspire.Imc;
using NutritionAspire.Proteins;
using NutritionAspire.ServiceDefaults;
using NutritionAspire.Tests;
using NutritionAspire.Water;
using Example = NutritionAspire.Contracts.WorkedExample;

namespace NutritionAspire.Services.Tests;

/// <summary>The gRPC services in memory: answers, INVALID_ARGUMENT, and the health and metrics endpoints.</summary>
public sealed class GrpcServiceTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BmrAnswersTheWorkedExample()
    {
        await using var factory = new GrpcServiceFactory<BmrGrpcService>();
        var client = new BMRService.BMRServiceClient(factory.CreateChannel());

        var response = await client.SayHelloAsync(new()
        {
            Gender = Example.Gender, Weight = Example.Weight, Height = Example.Height, Age = Example.Age, Activity = Example.Activity,
        }, cancellationToken: Cancellation);

        Assert.Equal((Example.Bmr, Example.Necessity), (response.Bmr, response.Necessity));
    }

    [Fact]
    public async Task BmrRejectsAnUnknownActivityAsInvalidArgument()
    {
        await using var factory = new GrpcServiceFactory<BmrGrpcService>();
        var client = new BMRService.BMRServiceClient(factory.CreateChannel());

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(
            new() { Gender = "M", Weight = 90, Height = 1.77, Age = 26, Activity = "couch" }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("activity must be one of", error.Status.Detail, StringComparison.Ordinal);
        Assert.EndsWith("got 'couch'.", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(26, -1000, "age must be a whole number of years from 0 to 150, got -1000.")]
    [InlineData(26, 151, "age must be a whole number of years from 0 to 150, got 151.")]
    [InlineData(1e308, 26, "weight must be a number of kilograms from 1 to 700, got 1E+308.")]
    [InlineData(701, 26, "weight must be a number of kilograms from 1 to 700, got 701.")]
    public async Task BmrRejectsAgesAndWeightsOutOfRangeNamingTheField(double weight, long age, string detail)
    {
        await using var factory = new GrpcServiceFactory<BmrGrpcService>();
        var client = new BMRService.BMRServiceClient(factory.CreateChannel());

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(
            new() { Gender = "F", Weight = weight, Height = 1.7, Age = age, Activity = "sedentary" }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, detail), (error.StatusCode, error.Status.Detail));
    }

    [Fact]
    public async Task BmrRefusesValuesInRangeWhoseBmrWouldBeNegativeNamingTheFields()
    {
        await using var factory = new GrpcServiceFactory<BmrGrpcService>();
        var client = new BMRService.BMRServiceClient(factory.CreateChannel());

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(
            new() { Gender = "M", Weight = 1, Height = 1, Age = 150, Activity = "sedentary" }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("weight, height and age give a negative bmr (-440.25) for weight 1, height 1 and age 150", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(["weight", "height", "age"], FieldViolations.Read(error));
    }

    [Theory]
    [InlineData(20_000)]
    [InlineData(100_000)]
    public async Task AHugeActivityIsQuotedToAHundredCharacters(int length)
    {
        await using var factory = new GrpcServiceFactory<BmrGrpcService>();
        var client = new BMRService.BMRServiceClient(factory.CreateChannel());
        var activity = string.Concat(Enumerable.Repeat("0123456789", length / 10));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(
            new() { Gender = "M", Weight = 90, Height = 1.77, Age = 26, Activity = activity }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.EndsWith($"got '{activity[..100]}…' ({length} characters).", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(activity[..101], error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImcAnswersAndRejectsAZeroHeight()
    {
        await using var factory = new GrpcServiceFactory<ImcGrpcService>();
        var client = new IMCService.IMCServiceClient(factory.CreateChannel());
        using var durations = new RequestDurations(factory.Services);

        var response = await client.SayHelloAsync(new() { Weight = Example.Weight, Height = Example.Height }, cancellationToken: Cancellation);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.SayHelloAsync(new() { Weight = 90, Height = 0 }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal((Example.Imc, Example.ImcClass), (response.Imc, response.Class));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("height must be", error.Status.Detail, StringComparison.Ordinal);
        await durations.WaitForAsync("/imc.IMCService/SayHello", StatusCode.InvalidArgument, 1, Cancellation);
    }

    [Theory]
    [InlineData(-90, 1.77, "weight")]
    [InlineData(1e308, 1.77, "weight")]
    [InlineData(90, 1e-200, "height")]
    public async Task WaterAnswersAndRejectsWeightsAndHeightsOutOfRange(double weight, double height, string field)
    {
        await using var factory = new GrpcServiceFactory<WaterGrpcService>();
        var client = new WaterService.WaterServiceClient(factory.CreateChannel());

        var response = await client.SayHelloAsync(new() { Weight = Example.Weight, Height = Example.Height }, cancellationToken: Cancellation);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.SayHelloAsync(new() { Weight = weight, Height = height }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal((Example.WaterMillilitres, "ml"), (response.Value, response.Unit));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith($"{field} must be", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(1e19)]
    [InlineData(0.5)]
    public async Task ProteinsAnswersInGramsAndRejectsAWeightOutOfRange(double weight)
    {
        await using var factory = new GrpcServiceFactory<ProteinsGrpcService>();
        var client = new ProteinsService.ProteinsServiceClient(factory.CreateChannel());

        var response = await client.SayHelloAsync(new() { Weight = 90.9 }, cancellationToken: Cancellation);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.SayHelloAsync(new() { Weight = weight }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal((180L, "g"), (response.Value, response.Unit));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("weight must be", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1.5e308)]
    [InlineData(double.PositiveInfinity)]
    public async Task CaloriesAnswersAndRejectsANecessityWhoseTargetsWouldNotBeFinite(double necessity)
    {
        await using var factory = new GrpcServiceFactory<CaloriesGrpcService>();
        var client = new CaloriesService.CaloriesServiceClient(factory.CreateChannel());

        var response = await client.SayHelloAsync(new() { Necessity = Example.Necessity }, cancellationToken: Cancellation);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.SayHelloAsync(new() { Necessity = necessity }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal((Example.CaloriesToLose, Example.CaloriesToGain, Example.CaloriesToMaintain), (response.Loss, response.Gain, response.Maintain));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("necessity must be", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HostedGrpcService.Resources), MemberType = typeof(HostedGrpcService))]
    public async Task EveryServiceServesTheGrpcHealthServiceHealthzAndMetrics(string resource)
    {
        await using var service = HostedGrpcService.Start(resource);
        using var http = service.Host.CreateClient();

        // The health service answers NotServing until the service has warmed up (it is its readiness), so wait as a probe does.
        var health = new Health.HealthClient(service.Channel);
        await Eventually.ReturnsAsync(
            async token => (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: token)).Status == HealthCheckResponse.Types.ServingStatus.Serving ? "serving" : null,
            TimeSpan.FromSeconds(30), () => $"{resource} never reported Serving", Cancellation, TimeSpan.FromMilliseconds(20));
        var status = await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Cancellation);
        await service.AnswersTheWorkedExampleAsync(Cancellation);
        using var healthz = await http.GetAsync(new Uri("/healthz", UriKind.Relative), Cancellation);
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancellation);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status.Status);
        Assert.Equal("ok", await healthz.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal("text/plain", healthz.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"target_info{{service_name=\"{resource}\"", metrics, StringComparison.Ordinal);
        await service.RequestDurations.WaitForAsync(service.MethodPath, StatusCode.OK, 1, Cancellation);
    }
}
