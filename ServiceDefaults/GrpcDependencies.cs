using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NutritionAspire;

namespace Microsoft.Extensions.Hosting;

/// <summary>How a service calls the gRPC services it depends on (bound from the <c>GrpcDependencies</c> section).</summary>
public sealed class GrpcDependencyOptions
{
    public const string SectionName = "GrpcDependencies";

    /// <summary>The longest one call may take, retries included, unless the caller's own deadline is sooner.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long opening a connection may take before the attempt fails as UNAVAILABLE.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts per call, the first included; only UNAVAILABLE is retried.</summary>
    public int MaxAttempts { get; set; } = 3;
}

public static partial class GrpcDependencyExtensions
{
    /// <summary>
    /// Registers a long-lived channel to <paramref name="resourceName"/> and a client over it. The address comes from
    /// <paramref name="addressVariable"/> or, when that is unset, from Aspire service discovery
    /// (<c>services__&lt;name&gt;__grpc__0</c>). A missing or malformed address fails here, at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddGrpcDependency<TClient>(
        this IHostApplicationBuilder builder, string resourceName, string addressVariable, Func<GrpcChannel, TClient> createClient)
        where TClient : class
    {
        var address = ResolveAddress(builder.Configuration, resourceName, addressVariable);
        var options = builder.Configuration.GetSection(GrpcDependencyOptions.SectionName).Get<GrpcDependencyOptions>()
            ?? new GrpcDependencyOptions();
        builder.Services.AddOptions<GrpcDependencyOptions>()
            .BindConfiguration(GrpcDependencyOptions.SectionName)
            .Validate(o => o.CallTimeout > TimeSpan.Zero && o.ConnectTimeout > TimeSpan.Zero && o.MaxAttempts >= 1,
                "GrpcDependencies: CallTimeout and ConnectTimeout must be positive and MaxAttempts at least 1.")
            .ValidateOnStart();
        builder.Services.AddKeyedSingleton(resourceName,
            (services, _) => CreateChannel(address, options, services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(services => createClient(services.GetRequiredKeyedService<GrpcChannel>(resourceName)));
        return builder;
    }

    /// <summary>Resolves a dependency address as contract §5 describes, or throws a message naming the setting.</summary>
    public static Uri ResolveAddress(IConfiguration configuration, string resourceName, string addressVariable)
    {
        if (configuration[addressVariable] is { Length: > 0 } configured)
        {
            return ParseAddress(configured, addressVariable);
        }

        var discoveryVariable = ServiceDiscoverySettings.GrpcVariable(resourceName);
        if (configuration[ServiceDiscoverySettings.GrpcKey(resourceName)] is { Length: > 0 } discovered)
        {
            return ParseAddress(discovered, discoveryVariable);
        }

        throw new InvalidOperationException(
            $"No address for {resourceName}: set {addressVariable} (host:port or an http:// or https:// URL), " +
            $"or {discoveryVariable} as Aspire service discovery does.");
    }

    /// <summary>Accepts <c>host:port</c> (plaintext h2c, the original's form) or an <c>http://</c> or <c>https://</c> URL.</summary>
    public static Uri ParseAddress(string value, string variable)
    {
        var trimmed = value.Trim();
        if (HostAndPort().Match(trimmed) is { Success: true } match
            && int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535)
        {
            return new Uri($"http://{trimmed}", UriKind.Absolute);
        }

        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.UserInfo.Length == 0)
        {
            return uri;
        }

        throw new InvalidOperationException(
            $"{variable} must be host:port or an http:// or https:// URL with no path, got '{value}'.");
    }

    private static GrpcChannel CreateChannel(Uri address, GrpcDependencyOptions options, ILoggerFactory loggerFactory) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = options.ConnectTimeout,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            },
            LoggerFactory = loggerFactory,
            MaxRetryAttempts = options.MaxAttempts,
            ServiceConfig = new ServiceConfig
            {
                MethodConfigs =
                {
                    new MethodConfig
                    {
                        Names = { MethodName.Default },
                        // grpc-dotnet waits a random time up to the current backoff before each retry (jitter),
                        // and never retries past the call's deadline.
                        RetryPolicy = options.MaxAttempts < 2 ? null : new RetryPolicy
                        {
                            MaxAttempts = options.MaxAttempts,
                            InitialBackoff = TimeSpan.FromMilliseconds(100),
                            MaxBackoff = TimeSpan.FromSeconds(1),
                            BackoffMultiplier = 2,
                            RetryableStatusCodes = { StatusCode.Unavailable },
                        },
                    },
                },
            },
        });

    [GeneratedRegex(@"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(?<port>[0-9]{1,5})$")]
    private static partial Regex HostAndPort();
}
