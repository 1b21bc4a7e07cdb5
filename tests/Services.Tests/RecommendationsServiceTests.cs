using Grpc.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NutritionAspire.Calories;
using NutritionAspire.Proteins;
using NutritionAspire.Recommendations;
using NutritionAspire.Water;
using CaloriesContract = NutritionAspire.Contracts.Calories;
using ProteinsContract = NutritionAspire.Contracts.Proteins;
using RecommendationsContract = NutritionAspire.Contracts.Recommendations;
using WaterContract = NutritionAspire.Contracts.Water;

namespace NutritionAspire.Services.Tests;

/// <summary>recommendations-grpc over the real water, proteins and calories services, all in memory.</summary>
public sealed class RecommendationsServiceTests : IAsyncDisposable
{
    /// <summary>Addresses are resolved at start-up; these are never dialled because the clients are replaced.</summary>
    private static readonly Dictionary<string, string?> s_unusedAddresses = new()
    {
        ["WATER_SERVICE_ENDPOINT"] = "water-grpc:30000",
        ["PROTEINS_SERVICE_ENDPOINT"] = "proteins-grpc:30000",
        ["CALORIES_SERVICE_ENDPOINT"] = "calories-grpc:30000",
    };

    private readonly GrpcServiceFactory<WaterService> _water = new();
    private readonly GrpcServiceFactory<ProteinsService> _proteins = new();
    private readonly GrpcServiceFactory<CaloriesService> _calories = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AggregatesTheWorkedExample()
    {
        await using var recommendations = CreateRecommendations(
            new WaterContract.WaterService.WaterServiceClient(_water.CreateChannel()));
        var client = new RecommendationsContract.RecomendationsService.RecomendationsServiceClient(recommendations.CreateChannel());

        var response = await client.SayHelloAsync(
            new() { Weight = 90, Height = 1.77, Calories = 3470.1825000000003 }, cancellationToken: Cancellation);

        Assert.Equal((3150.0, "ml"), (response.WaterValue, response.WaterUnit));
        Assert.Equal((180L, "g"), (response.ProteinsValue, response.ProteinsUnit));
        Assert.Equal(3470.1825000000003, response.CaloriesToMaintein);
        Assert.Equal(3123.1642500000003, response.CaloriesToLoss);
        Assert.Equal(4511.237250000001, response.CaloriesToGain);
    }

    [Theory]
    [InlineData(0, 1.77, 2000, "weight")]
    [InlineData(90, -1, 2000, "height")]
    [InlineData(90, 1.77, double.NaN, "calories")]
    public async Task InvalidInputIsInvalidArgumentNamingTheField(double weight, double height, double calories, string field)
    {
        await using var recommendations = CreateRecommendations(
            new WaterContract.WaterService.WaterServiceClient(_water.CreateChannel()));
        var client = new RecommendationsContract.RecomendationsService.RecomendationsServiceClient(recommendations.CreateChannel());

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(
            new() { Weight = weight, Height = height, Calories = calories }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith($"{field} must be", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableDependencyIsUnavailableNamingIt()
    {
        var unreachable = Grpc.Net.Client.GrpcChannel.ForAddress("http://127.0.0.1:9");
        await using var recommendations = CreateRecommendations(new WaterContract.WaterService.WaterServiceClient(unreachable));
        var client = new RecommendationsContract.RecomendationsService.RecomendationsServiceClient(recommendations.CreateChannel());

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(
            new() { Weight = 90, Height = 1.77, Calories = 2000 }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.StartsWith("water-grpc: ", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingAddressFailsAtStartUpNamingBothWaysToSetIt()
    {
        using var recommendations = new GrpcServiceFactory<RecommendationsService>(new Dictionary<string, string?>
        {
            ["PROTEINS_SERVICE_ENDPOINT"] = "proteins-grpc:30000",
            ["CALORIES_SERVICE_ENDPOINT"] = "calories-grpc:30000",
        });

        var error = Assert.ThrowsAny<Exception>(() => recommendations.CreateChannel());

        Assert.Contains("WATER_SERVICE_ENDPOINT", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("services__water-grpc__grpc__0", error.ToString(), StringComparison.Ordinal);
    }

    private RecommendationsFactory CreateRecommendations(WaterContract.WaterService.WaterServiceClient water) => new(services =>
    {
        services.AddSingleton(water);
        services.AddSingleton(new ProteinsContract.ProteinsService.ProteinsServiceClient(_proteins.CreateChannel()));
        services.AddSingleton(new CaloriesContract.CaloriesService.CaloriesServiceClient(_calories.CreateChannel()));
    });

    public async ValueTask DisposeAsync()
    {
        await _water.DisposeAsync();
        await _proteins.DisposeAsync();
        await _calories.DisposeAsync();
    }

    private sealed class RecommendationsFactory(Action<IServiceCollection> replaceClients)
        : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<RecommendationsService>
    {
        public Grpc.Net.Client.GrpcChannel CreateChannel() =>
            Grpc.Net.Client.GrpcChannel.ForAddress(Server.BaseAddress, new() { HttpHandler = Server.CreateHandler() });

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            foreach (var (key, value) in s_unusedAddresses)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(replaceClients);
        }
    }
}
