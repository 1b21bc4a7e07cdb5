using System.Net;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NutritionAspire.Bmr;
using NutritionAspire.Calories;
using NutritionAspire.Imc;
using NutritionAspire.Proteins;
using NutritionAspire.Recommendations;
using NutritionAspire.ServiceDefaults;
using NutritionAspire.Tests;
using NutritionAspire.Water;
using BmrContract = NutritionAspire.Contracts.Bmr;
using CaloriesContract = NutritionAspire.Contracts.Calories;
using ImcContract = NutritionAspire.Contracts.Imc;
using ProteinsContract = NutritionAspire.Contracts.Proteins;
using RecommendationsContract = NutritionAspire.Contracts.Recommendations;
using WaterContract = NutritionAspire.Contracts.Water;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// A real h2c server on a loopback port playing bmr-grpc, imc-grpc and recommendations-grpc. By default bmr and imc
/// answer with the real rules, and recommendations is the real recommendations-grpc calling the real water, proteins
/// and calories services on the same server, so no test keeps a copy of the aggregation; a test swaps in its own
/// behaviour and reads how often each was called.
/// </summary>
public sealed class FakeBackends : IAsyncDisposable
{
    private WebApplication? _app;
    private GrpcChannel? _leaves;
    private int _bmrCalls, _imcCalls, _recommendationsCalls;

    /// <summary><c>host:port</c>, the form the original's *_SERVICE_ENDPOINT variables use.</summary>
    public string Address { get; private set; } = "";

    public Func<BmrContract.Message, ServerCallContext, Task<BmrContract.Response>> Bmr { get; set; } = (request, _) =>
    {
        var result = BasalMetabolicRate.Calculate(request.Gender, request.Weight, request.Height, request.Age, request.Activity);
        return Task.FromResult(new BmrContract.Response { Bmr = result.Bmr, Necessity = result.Necessity });
    };

    public Func<ImcContract.Message, ServerCallContext, Task<ImcContract.Response>> Imc { get; set; } = (request, _) =>
    {
        var result = BodyMassIndex.Calculate(request.Weight, request.Height);
        return Task.FromResult(new ImcContract.Response { Imc = result.Imc, Class = result.Class });
    };

    /// <summary>The real recommendations-grpc once the server has started.</summary>
    public Func<RecommendationsContract.Message, ServerCallContext, Task<RecommendationsContract.Response>> Recommendations { get; set; } =
        (_, _) => throw new InvalidOperationException("The backends have not started.");

    public int BmrCalls => Volatile.Read(ref _bmrCalls);

    public int ImcCalls => Volatile.Read(ref _imcCalls);

    public int RecommendationsCalls => Volatile.Read(ref _recommendationsCalls);

    public static async Task<FakeBackends> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // The test output folder holds the services' appsettings.json (with their Kestrel endpoints): ignore it.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(options => options.Interceptors.Add<InvalidInputAsInvalidArgument>());
        var backends = new FakeBackends();
        builder.Services.AddSingleton(backends);
        var app = backends._app = builder.Build();
        app.MapGrpcService<FakeBmr>();
        app.MapGrpcService<FakeImc>();
        app.MapGrpcService<FakeRecommendations>();
        app.MapGrpcService<WaterGrpcService>();
        app.MapGrpcService<ProteinsGrpcService>();
        app.MapGrpcService<CaloriesGrpcService>();
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        backends.Address = Loopback.Address(address.Port);

        var leaves = backends._leaves = GrpcChannel.ForAddress(address);
        var recommendations = new RecommendationsGrpcService(
            new WaterContract.WaterService.WaterServiceClient(leaves),
            new ProteinsContract.ProteinsService.ProteinsServiceClient(leaves),
            new CaloriesContract.CaloriesService.CaloriesServiceClient(leaves),
            Options.Create(new GrpcDependencyOptions()));
        backends.Recommendations = recommendations.SayHello;
        return backends;
    }

    public async ValueTask DisposeAsync()
    {
        _leaves?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private sealed class FakeBmr(FakeBackends backends) : BmrContract.BMRService.BMRServiceBase
    {
        public override Task<BmrContract.Response> SayHello(BmrContract.Message request, ServerCallContext context)
        {
            Interlocked.Increment(ref backends._bmrCalls);
            return backends.Bmr(request, context);
        }
    }

    private sealed class FakeImc(FakeBackends backends) : ImcContract.IMCService.IMCServiceBase
    {
        public override Task<ImcContract.Response> SayHello(ImcContract.Message request, ServerCallContext context)
        {
            Interlocked.Increment(ref backends._imcCalls);
            return backends.Imc(request, context);
        }
    }

    private sealed class FakeRecommendations(FakeBackends backends) : RecommendationsContract.RecomendationsService.RecomendationsServiceBase
    {
        public override Task<RecommendationsContract.Response> SayHello(RecommendationsContract.Message request, ServerCallContext context)
        {
            Interlocked.Increment(ref backends._recommendationsCalls);
            return backends.Recommendations(request, context);
        }
    }

    /// <summary>A broken input rule is INVALID_ARGUMENT with the rule's message and fields, as the real services answer it.</summary>
    private sealed class InvalidInputAsInvalidArgument : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            try
            {
                return await continuation(request, context);
            }
            catch (InvalidInputException exception)
            {
                throw FieldViolations.InvalidArgument(exception.Message, exception.Fields);
            }
        }
    }
}
