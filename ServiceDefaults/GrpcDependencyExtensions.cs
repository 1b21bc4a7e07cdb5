using System.Reflection;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NutritionAspire.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

public static class GrpcDependencyExtensions
{
    /// <summary>
    /// Registers a long-lived channel to <paramref name="resourceName"/>, behind a circuit breaker, and a client over it.
    /// The address comes from <paramref name="addressVariable"/> or, when that is unset, from Aspire service discovery
    /// (<c>services__&lt;name&gt;__grpc__0</c>). A missing or malformed address fails here; an invalid setting at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddGrpcDependency<TClient>(
        this IHostApplicationBuilder builder, string resourceName, string addressVariable, Func<CallInvoker, TClient> createClient)
        where TClient : class
    {
        // The build starts the app to write its OpenAPI document, with no dependency addresses and nothing to call.
        if (Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider")
        {
            return builder;
        }

        var address = DependencyAddress.Resolve(builder.Configuration, resourceName, addressVariable);
        AddSharedServices(builder);
        builder.Services.AddKeyedSingleton(resourceName, (services, _) => new GrpcDependency(
            resourceName,
            address,
            services.GetRequiredService<IOptions<GrpcDependencyOptions>>().Value,
            services.GetRequiredService<ILoggerFactory>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System));
        builder.Services.AddSingleton(services => services.GetRequiredKeyedService<GrpcDependency>(resourceName));
        builder.Services.AddSingleton(services => createClient(services.GetRequiredKeyedService<GrpcDependency>(resourceName).CallInvoker));
        return builder;
    }

    /// <summary>The options and the start-up connector, once for all dependencies.</summary>
    private static void AddSharedServices(IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(IOptions<GrpcDependencyOptions>)))
        {
            return;
        }

        builder.Services.AddSingleton<IOptions<GrpcDependencyOptions>>(new OptionsWrapper<GrpcDependencyOptions>(GrpcDependencyOptions.Read(builder.Configuration)));
        builder.Services.AddHostedService<GrpcDependencyConnector>();
    }
}
