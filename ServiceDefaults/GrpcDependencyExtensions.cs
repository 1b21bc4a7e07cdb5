using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NutritionAspire.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

public static class GrpcDependencyExtensions
{
    /// <summary>
    /// Registers a client of <paramref name="resourceName"/> from the gRPC client factory: one long-lived channel, with
    /// the dependency's retry and circuit breaking (<see cref="DependencyResilience"/>) as its innermost interceptor.
    /// The address comes from <paramref name="addressVariable"/> or, when that is unset, from Aspire service discovery
    /// (<c>services__&lt;name&gt;__grpc__0</c>). A missing or malformed address fails here; an invalid setting at start-up.
    /// </summary>
    /// <returns>The client's builder, for more interceptors (such as <c>EnableCallContextPropagation</c>), which run before the retry.</returns>
    public static IHttpClientBuilder AddGrpcDependency<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        this IHostApplicationBuilder builder, string resourceName, string addressVariable, Func<CallInvoker, TClient> createClient)
        where TClient : class
    {
        // The build starts the app to write its OpenAPI document, with no dependency addresses and nothing to call.
        if (Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider")
        {
            return builder.Services.AddGrpcClient<TClient>(resourceName);
        }

        var address = DependencyAddress.Resolve(builder.Configuration, resourceName, addressVariable);
        AddSharedServices(builder);
        CallInvoker? invoker = null;
        builder.Services.AddKeyedSingleton(resourceName, (services, _) => new DependencyResilience(
            resourceName,
            services.GetRequiredService<IOptions<GrpcDependencyOptions>>().Value,
            services.GetService<TimeProvider>() ?? TimeProvider.System));
        builder.Services.AddSingleton(services => new GrpcDependency(
            resourceName,
            address,
            services.GetRequiredKeyedService<DependencyResilience>(resourceName),
            services =>
            {
                // The factory builds the channel, and so the invoker, with the first client it creates.
                services.GetRequiredService<GrpcClientFactory>().CreateClient<TClient>(resourceName);
                return invoker ?? throw new InvalidOperationException($"The client factory did not create the {resourceName} client.");
            }));

        // After every other interceptor of the client: context propagation (a Configure action) sets the deadline the
        // retry must keep to.
        builder.Services.PostConfigure<GrpcClientFactoryOptions>(resourceName, options => options.InterceptorRegistrations.Add(
            new InterceptorRegistration(InterceptorScope.Channel, services => services.GetRequiredKeyedService<DependencyResilience>(resourceName).Interceptor)));
        return builder.Services
            .AddGrpcClient<TClient>(resourceName, options =>
            {
                options.Address = address;
                options.Creator = callInvoker =>
                {
                    invoker = callInvoker;
                    return createClient(callInvoker);
                };
            })
            .ConfigurePrimaryHttpMessageHandler(services => CreateHandler(services.GetRequiredService<IOptions<GrpcDependencyOptions>>().Value))
            // The channel lives as long as the service; its connections are kept, not recycled.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // The client factory's handlers log every request at Information: once per call, under load too.
            .RemoveAllLoggers();
    }

    /// <summary>
    /// Calls of this client made while a gRPC call is served keep to that call's deadline and end when it is
    /// cancelled. Calls outside one (the start-up connect) go out as they are.
    /// </summary>
    public static IHttpClientBuilder PropagateGrpcCallContext(this IHttpClientBuilder client) =>
        client.EnableCallContextPropagation(options => options.SuppressContextNotFoundErrors = true);

    private static SocketsHttpHandler CreateHandler(GrpcDependencyOptions options) => new()
    {
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = options.ConnectTimeout,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        // Pings only while calls are in flight: grpc-go servers (the original's) allow a ping on an idle connection
        // at most every 5 minutes and answer more with GOAWAY too_many_pings.
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        KeepAlivePingDelay = options.KeepAlivePingDelay,
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
    };

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
