using Microsoft.Extensions.Configuration;

namespace NutritionAspire.ServiceDefaults;

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

    /// <summary>
    /// How long a connection may go without a frame, while calls are in flight, before the client sends an HTTP/2
    /// PING to check it. Idle connections are never pinged: grpc-go servers answer idle pings with GOAWAY.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Consecutive DEADLINE_EXCEEDED or UNAVAILABLE calls (each attempt counts) after which the circuit opens.</summary>
    public int CircuitBreakerFailures { get; set; } = 5;

    /// <summary>How long an open circuit refuses calls before it lets one probe call through.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Binds and validates the section while the service is being built, so an unknown key or an unusable value stops
    /// start-up at once with a message naming it, before the host exists.
    /// </summary>
    public static GrpcDependencyOptions Read(IConfiguration configuration)
    {
        GrpcDependencyOptions options;
        try
        {
            options = configuration.GetSection(SectionName).Get<GrpcDependencyOptions>(binder => binder.ErrorOnUnknownConfiguration = true)
                ?? new GrpcDependencyOptions();
        }
        catch (InvalidOperationException error)
        {
            throw new InvalidOperationException($"Invalid {SectionName} settings: {error.Message}", error);
        }

        var failures = GrpcDependencyOptionsValidator.Validate(options);
        return failures.Count == 0 ? options : throw new InvalidOperationException(string.Join(" ", failures));
    }
}

/// <summary>Refuses settings the channels cannot work with, naming them.</summary>
internal static class GrpcDependencyOptionsValidator
{
    public static List<string> Validate(GrpcDependencyOptions options)
    {
        List<string> failures = [];
        Positive(options.CallTimeout, nameof(options.CallTimeout), failures);
        Positive(options.ConnectTimeout, nameof(options.ConnectTimeout), failures);
        Positive(options.CircuitBreakDuration, nameof(options.CircuitBreakDuration), failures);
        if (options.KeepAlivePingDelay < TimeSpan.FromSeconds(1))
        {
            // SocketsHttpHandler's own lower bound.
            failures.Add($"{GrpcDependencyOptions.SectionName}:{nameof(options.KeepAlivePingDelay)} must be at least 1 second.");
        }

        AtLeastOne(options.MaxAttempts, nameof(options.MaxAttempts), failures);
        AtLeastOne(options.CircuitBreakerFailures, nameof(options.CircuitBreakerFailures), failures);
        return failures;
    }

    private static void Positive(TimeSpan value, string setting, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{GrpcDependencyOptions.SectionName}:{setting} must be positive.");
        }
    }

    private static void AtLeastOne(int value, string setting, List<string> failures)
    {
        if (value < 1)
        {
            failures.Add($"{GrpcDependencyOptions.SectionName}:{setting} must be at least 1.");
        }
    }
}
