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

    /// <summary>
    /// The share of calls in the sampling window that ended DEADLINE_EXCEEDED or UNAVAILABLE (each attempt counts) at
    /// which the circuit opens.
    /// </summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The fewest calls in the sampling window before the failure ratio can open the circuit.</summary>
    public int CircuitBreakerMinimumCalls { get; set; } = 5;

    /// <summary>
    /// The window the failure ratio is taken over. Shorter than the call timeout, so that when a dependency hangs the
    /// window holds the timed-out calls and not the answers from before it hung.
    /// </summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an open circuit refuses calls before it lets one trial call through; it doubles after each failed
    /// trial, up to <see cref="CircuitMaxBreakDuration"/>. It is also how long a recovering dependency must answer
    /// every call before it gets all of them again.
    /// </summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest break, however many trials in a row failed.</summary>
    public TimeSpan CircuitMaxBreakDuration { get; set; } = TimeSpan.FromSeconds(16);

    /// <summary>
    /// Once a dependency's circuit has opened, the most calls it gets at once until it has proven itself again; the
    /// others are refused at once, as by an open circuit.
    /// </summary>
    public int CircuitRecoveryCalls { get; set; } = 2;

    /// <summary>
    /// The answers in a row, over at least <see cref="CircuitBreakDuration"/>, that a recovering dependency must give
    /// before it gets every call again; a failure starts the count over.
    /// </summary>
    public int CircuitRecoverySuccesses { get; set; } = 5;

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

/// <summary>Refuses settings the channels or the resilience pipeline cannot work with, naming them.</summary>
internal static class GrpcDependencyOptionsValidator
{
    public static List<string> Validate(GrpcDependencyOptions options)
    {
        List<string> failures = [];
        Positive(options.CallTimeout, nameof(options.CallTimeout), failures);
        Positive(options.ConnectTimeout, nameof(options.ConnectTimeout), failures);
        if (options.KeepAlivePingDelay < TimeSpan.FromSeconds(1))
        {
            // SocketsHttpHandler's own lower bound.
            failures.Add($"{GrpcDependencyOptions.SectionName}:{nameof(options.KeepAlivePingDelay)} must be at least 1 second.");
        }

        AtLeast(options.MaxAttempts, 1, nameof(options.MaxAttempts), failures);
        if (options.CircuitBreakerFailureRatio is not (> 0 and <= 1))
        {
            failures.Add($"{GrpcDependencyOptions.SectionName}:{nameof(options.CircuitBreakerFailureRatio)} must be over 0 and at most 1.");
        }

        // Polly's own lower bounds for a circuit breaker.
        AtLeast(options.CircuitBreakerMinimumCalls, 2, nameof(options.CircuitBreakerMinimumCalls), failures);
        AtLeastHalfASecond(options.CircuitBreakerSamplingDuration, nameof(options.CircuitBreakerSamplingDuration), failures);
        AtLeastHalfASecond(options.CircuitBreakDuration, nameof(options.CircuitBreakDuration), failures);
        if (options.CircuitMaxBreakDuration < options.CircuitBreakDuration)
        {
            failures.Add($"{GrpcDependencyOptions.SectionName}:{nameof(options.CircuitMaxBreakDuration)} must be at least {nameof(options.CircuitBreakDuration)}.");
        }

        AtLeast(options.CircuitRecoveryCalls, 1, nameof(options.CircuitRecoveryCalls), failures);
        AtLeast(options.CircuitRecoverySuccesses, 1, nameof(options.CircuitRecoverySuccesses), failures);
        return failures;
    }

    private static void Positive(TimeSpan value, string setting, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{GrpcDependencyOptions.SectionName}:{setting} must be positive.");
        }
    }

    private static void AtLeastHalfASecond(TimeSpan value, string setting, List<string> failures)
    {
        if (value < TimeSpan.FromSeconds(0.5))
        {
            failures.Add($"{GrpcDependencyOptions.SectionName}:{setting} must be at least 0.5 seconds.");
        }
    }

    private static void AtLeast(int value, int minimum, string setting, List<string> failures)
    {
        if (value < minimum)
        {
            failures.Add($"{GrpcDependencyOptions.SectionName}:{setting} must be at least {minimum}.");
        }
    }
}
