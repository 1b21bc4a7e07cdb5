using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using NutritionAspire.Contracts.Calories;
using NutritionAspire.Contracts.Proteins;
using NutritionAspire.Contracts.Recommendations;
using NutritionAspire.Contracts.Water;
using NutritionAspire.Recommendations;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.Services.Tests;

/// <summary>recommendations-grpc over the real water, proteins and calories services, all in memory.</summary>
public sealed class RecommendationsServiceTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AggregatesTheWorkedExample()
    {
        await using var recommendations = HostedGrpcService.Start(ResourceNames.RecommendationsGrpc);

        await recommendations.AnswersTheWorkedExampleAsync(Cancellation);
    }

    [Theory]
    [InlineData(0, 1.77, 2000, "weight")]
    [InlineData(1e19, 1.77, 2000, "weight")]
    [InlineData(90, -1, 2000, "height")]
    [InlineData(90, 3.5, 2000, "height")]
    [InlineData(90, 1.77, double.NaN, "calories")]
    [InlineData(90, 1.77, 1.5e308, "calories")]
    public async Task InvalidInputIsInvalidArgumentNamingTheFieldAndNeverCallsTheDependencies(
        double weight, double height, double calories, string field)
    {
        var dependencyCalls = 0;
        using var nowhere = Grpc.Net.Client.GrpcChannel.ForAddress("http://127.0.0.1:9");
        var counting = nowhere.Intercept(metadata =>
        {
            Interlocked.Increment(ref dependencyCalls);
            return metadata;
        });
        await using var recommendations = HostedGrpcService.Start(ResourceNames.RecommendationsGrpc, services => services
            .AddSingleton(new WaterService.WaterServiceClient(counting))
            .AddSingleton(new ProteinsService.ProteinsServiceClient(counting))
            .AddSingleton(new CaloriesService.CaloriesServiceClient(counting)));
        var client = new RecomendationsService.RecomendationsServiceClient(recommendations.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(
            new() { Weight = weight, Height = height, Calories = calories }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith($"{field} must be", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, dependencyCalls);
    }

    [Fact]
    public async Task ADependencysRefusalIsInvalidArgumentNamingThisRequestsField()
    {
        using var nowhere = Grpc.Net.Client.GrpcChannel.ForAddress("http://127.0.0.1:9");
        var refusing = nowhere.Intercept(new RefuseEveryCall(FieldViolations.InvalidArgument("necessity is too large.", ["necessity"])));
        await using var recommendations = HostedGrpcService.Start(ResourceNames.RecommendationsGrpc,
            services => services.AddSingleton(new CaloriesService.CaloriesServiceClient(refusing)));
        var client = new RecomendationsService.RecomendationsServiceClient(recommendations.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(
            new() { Weight = 90, Height = 1.77, Calories = 2000 }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, "calories-grpc: necessity is too large."), (error.StatusCode, error.Status.Detail));
        Assert.Equal(["calories"], FieldViolations.Read(error));
    }

    [Fact]
    public async Task AnUnreachableDependencyIsUnavailableNamingIt()
    {
        using var unreachable = Grpc.Net.Client.GrpcChannel.ForAddress("http://127.0.0.1:9");
        await using var recommendations = HostedGrpcService.Start(ResourceNames.RecommendationsGrpc,
            services => services.AddSingleton(new WaterService.WaterServiceClient(unreachable)));
        var client = new RecomendationsService.RecomendationsServiceClient(recommendations.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(
            new() { Weight = 90, Height = 1.77, Calories = 2000 }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.StartsWith("water-grpc: ", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingAddressFailsAtStartUpNamingBothWaysToSetIt()
    {
        using var recommendations = new GrpcServiceFactory<RecommendationsGrpcService>(new Dictionary<string, string?>
        {
            ["PROTEINS_SERVICE_ENDPOINT"] = "proteins-grpc:30000",
            ["CALORIES_SERVICE_ENDPOINT"] = "calories-grpc:30000",
        });

        var error = Assert.ThrowsAny<Exception>(() => recommendations.CreateChannel());

        Assert.Contains("WATER_SERVICE_ENDPOINT", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("services__water-grpc__grpc__0", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Fails every call with <paramref name="error"/>, as a dependency refusing the values would.</summary>
    private sealed class RefuseEveryCall(RpcException error) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
            new(Task.FromException<TResponse>(error), Task.FromResult(new Metadata()), () => error.Status, () => error.Trailers, () => { });
    }
}
