using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace NutritionAspire.Services.Tests;

/// <summary>Hosts one gRPC service in memory; <typeparamref name="TService"/> is any type of its assembly.</summary>
public sealed class GrpcServiceFactory<TService>(IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<TService> where TService : class
{
    public GrpcChannel CreateChannel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}
