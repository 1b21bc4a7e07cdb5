using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using NutritionAspire.Bmr;
using NutritionAspire.Calories;
using NutritionAspire.Contracts.Bmr;
using NutritionAspire.Contracts.Calories;
using NutritionAspire.Contracts.Imc;
using NutritionAspire.Contracts.Proteins;
using NutritionAspire.Contracts.Recommendations;
using NutritionAspire.Contracts.Water;
using NutritionAspire.Imc;
using NutritionAspire.Proteins;
using NutritionAspire.Recommendations;
using NutritionAspire.Tests;
using NutritionAspire.Water;
using Example = NutritionAspire.Contracts.WorkedExample;
using ProtoServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// Any of the six gRPC services hosted in memory, for tests that hold for all of them; recommendations-grpc is hosted
/// with the real water, proteins and calories services behind it.
/// </summary>
public sealed class HostedGrpcService : IAsyncDisposable
{
    private readonly IGrpcServiceHost[] _dependencies;

    private HostedGrpcService(string resource, ProtoServiceDescriptor descriptor, IGrpcServiceHost host, params IGrpcServiceHost[] dependencies)
    {
        Resource = resource;
        Descriptor = descriptor;
        Host = host;
        _dependencies = dependencies;
        Channel = host.CreateChannel();
        RequestDurations = new RequestDurations(host.Services);
    }

    public static TheoryData<string> Resources { get; } = [.. NutritionServices.Grpc];

    public string Resource { get; }

    /// <summary>The generated descriptor of the service it serves.</summary>
    public ProtoServiceDescriptor Descriptor { get; }

    public IGrpcServiceHost Host { get; }

    public GrpcChannel Channel { get; }

    /// <summary>The service's own <c>http.server.request.duration</c> measurements.</summary>
    public RequestDurations RequestDurations { get; }

    /// <summary>The path of its one method, as generated: <c>/bmr.BMRService/SayHello</c>.</summary>
    public string MethodPath => $"/{Descriptor.FullName}/{Descriptor.Methods.Single().Name}";

    /// <param name="configureServices">Changes the service's registrations (not its dependencies').</param>
    /// <param name="onKestrel">Serves through Kestrel on a loopback port (<see cref="Address"/>) instead of in memory.</param>
    public static HostedGrpcService Start(string resource, Action<IServiceCollection>? configureServices = null, bool onKestrel = false)
    {
        (ProtoServiceDescriptor Descriptor, IGrpcServiceHost Host, IGrpcServiceHost[] Dependencies) started = resource switch
        {
            ResourceNames.BmrGrpc => (BMRService.Descriptor, new GrpcServiceFactory<BmrGrpcService>(configureServices: configureServices), []),
            ResourceNames.ImcGrpc => (IMCService.Descriptor, new GrpcServiceFactory<ImcGrpcService>(configureServices: configureServices), []),
            ResourceNames.WaterGrpc => (WaterService.Descriptor, new GrpcServiceFactory<WaterGrpcService>(configureServices: configureServices), []),
            ResourceNames.ProteinsGrpc => (ProteinsService.Descriptor, new GrpcServiceFactory<ProteinsGrpcService>(configureServices: configureServices), []),
            ResourceNames.CaloriesGrpc => (CaloriesService.Descriptor, new GrpcServiceFactory<CaloriesGrpcService>(configureServices: configureServices), []),
            ResourceNames.RecommendationsGrpc => StartRecommendations(configureServices),
            _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, "Not a gRPC service."),
        };
        var address = onKestrel ? started.Host.StartOnKestrel() : null;
        return new(resource, started.Descriptor, started.Host, started.Dependencies) { Address = address };
    }

    /// <summary>Where it listens when it serves through Kestrel; null in memory.</summary>
    public Uri? Address { get; private init; }

    /// <summary>Calls the service with its part of the worked example and checks the contract's answer.</summary>
    public async Task AnswersTheWorkedExampleAsync(CancellationToken cancellationToken)
    {
        switch (Resource)
        {
            case ResourceNames.BmrGrpc:
                var bmr = await new BMRService.BMRServiceClient(Channel).SayHelloAsync(new()
                {
                    Gender = Example.Gender, Weight = Example.Weight, Height = Example.Height, Age = Example.Age, Activity = Example.Activity,
                }, cancellationToken: cancellationToken);
                Assert.Equal((Example.Bmr, Example.Necessity), (bmr.Bmr, bmr.Necessity));
                break;
            case ResourceNames.ImcGrpc:
                var imc = await new IMCService.IMCServiceClient(Channel).SayHelloAsync(
                    new() { Weight = Example.Weight, Height = Example.Height }, cancellationToken: cancellationToken);
                Assert.Equal((Example.Imc, Example.ImcClass), (imc.Imc, imc.Class));
                break;
            case ResourceNames.WaterGrpc:
                var water = await new WaterService.WaterServiceClient(Channel).SayHelloAsync(
                    new() { Weight = Example.Weight, Height = Example.Height }, cancellationToken: cancellationToken);
                Assert.Equal((Example.WaterMillilitres, "ml"), (water.Value, water.Unit));
                break;
            case ResourceNames.ProteinsGrpc:
                var proteins = await new ProteinsService.ProteinsServiceClient(Channel).SayHelloAsync(
                    new() { Weight = Example.Weight }, cancellationToken: cancellationToken);
                Assert.Equal((Example.ProteinGrams, "g"), (proteins.Value, proteins.Unit));
                break;
            case ResourceNames.CaloriesGrpc:
                var calories = await new CaloriesService.CaloriesServiceClient(Channel).SayHelloAsync(
                    new() { Necessity = Example.Necessity }, cancellationToken: cancellationToken);
                Assert.Equal((Example.CaloriesToLose, Example.CaloriesToMaintain, Example.CaloriesToGain), (calories.Loss, calories.Maintain, calories.Gain));
                break;
            default:
                var recommendations = await new RecomendationsService.RecomendationsServiceClient(Channel).SayHelloAsync(
                    new() { Weight = Example.Weight, Height = Example.Height, Calories = Example.Necessity }, cancellationToken: cancellationToken);
                Assert.Equal((Example.WaterMillilitres, "ml", Example.ProteinGrams, "g"),
                    (recommendations.WaterValue, recommendations.WaterUnit, recommendations.ProteinsValue, recommendations.ProteinsUnit));
                Assert.Equal((Example.CaloriesToLose, Example.CaloriesToMaintain, Example.CaloriesToGain),
                    (recommendations.CaloriesToLoss, recommendations.CaloriesToMaintein, recommendations.CaloriesToGain));
                break;
        }
    }

    /// <summary>Sends <paramref name="payload"/> as the request message of the service's method, or of <paramref name="path"/>.</summary>
    public Task<byte[]> CallRawAsync(byte[] payload, CancellationToken cancellationToken, string? path = null)
    {
        var (service, method) = path is null ? (Descriptor.FullName, Descriptor.Methods.Single().Name) : SplitPath(path);
        var rawMethod = new Method<byte[], byte[]>(MethodType.Unary, service, method, s_bytes, s_bytes);
        return Channel.CreateCallInvoker()
            .AsyncUnaryCall(rawMethod, null, new CallOptions(cancellationToken: cancellationToken), payload).ResponseAsync;

        static (string, string) SplitPath(string path) => (path.Split('/')[1], path.Split('/')[2]);
    }

    private static readonly Marshaller<byte[]> s_bytes = Marshallers.Create(bytes => bytes, bytes => bytes);

    /// <summary>recommendations-grpc with its clients pointing at the three real services, also in memory.</summary>
    private static (ProtoServiceDescriptor, IGrpcServiceHost, IGrpcServiceHost[]) StartRecommendations(Action<IServiceCollection>? configureServices)
    {
        var water = new GrpcServiceFactory<WaterGrpcService>();
        var proteins = new GrpcServiceFactory<ProteinsGrpcService>();
        var calories = new GrpcServiceFactory<CaloriesGrpcService>();
        var recommendations = new GrpcServiceFactory<RecommendationsGrpcService>(UnusedDependencyAddresses, services =>
        {
            services.AddSingleton(new WaterService.WaterServiceClient(water.CreateChannel()));
            services.AddSingleton(new ProteinsService.ProteinsServiceClient(proteins.CreateChannel()));
            services.AddSingleton(new CaloriesService.CaloriesServiceClient(calories.CreateChannel()));
            configureServices?.Invoke(services);
        });
        return (RecomendationsService.Descriptor, recommendations, [water, proteins, calories]);
    }

    /// <summary>recommendations-grpc resolves its dependencies' addresses at start-up; tests replace the clients, so these are never dialled.</summary>
    public static IReadOnlyDictionary<string, string?> UnusedDependencyAddresses { get; } = new Dictionary<string, string?>
    {
        ["WATER_SERVICE_ENDPOINT"] = "water-grpc:30000",
        ["PROTEINS_SERVICE_ENDPOINT"] = "proteins-grpc:30000",
        ["CALORIES_SERVICE_ENDPOINT"] = "calories-grpc:30000",
    };

    public async ValueTask DisposeAsync()
    {
        RequestDurations.Dispose();
        Channel.Dispose();
        await Host.DisposeAsync();
        foreach (var dependency in _dependencies)
        {
            await dependency.DisposeAsync();
        }
    }
}
