using System.Globalization;

namespace NutritionAspire.HealthApi.Edge;

/// <summary>
/// How many <c>POST /calculator</c> requests one client address may send (the <c>RateLimit</c> section): a token bucket
/// of <see cref="Burst"/> requests, refilled with <see cref="RequestsPerPeriod"/> every <see cref="Period"/>. Each
/// replica keeps its own buckets.
/// </summary>
public sealed class ClientRateLimitOptions
{
    public const string SectionName = "RateLimit";

    /// <summary>Off for the benchmark and the dashboard's load test, whose load all comes from one address.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The requests a client may send at once, before the refill rate counts.</summary>
    public int Burst { get; set; } = 100;

    /// <summary>The requests a client gets back every <see cref="Period"/>, up to <see cref="Burst"/>.</summary>
    public int RequestsPerPeriod { get; set; } = 20;

    /// <summary>How often the bucket is refilled; at least 100 ms, the tick of the timer that refills the buckets.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Binds and validates the section while the service is being built, so an unknown key or an unusable value stops
    /// start-up at once with a message naming it.
    /// </summary>
    public static ClientRateLimitOptions Read(IConfiguration configuration)
    {
        ClientRateLimitOptions options;
        try
        {
            options = configuration.GetSection(SectionName).Get<ClientRateLimitOptions>(binder => binder.ErrorOnUnknownConfiguration = true)
                ?? new ClientRateLimitOptions();
        }
        catch (InvalidOperationException error)
        {
            throw new InvalidOperationException($"Invalid {SectionName} settings: {error.Message}", error);
        }

        List<string> failures = [];
        if (options.Burst < 1)
        {
            failures.Add($"{SectionName}:{nameof(Burst)} must be at least 1.");
        }

        if (options.RequestsPerPeriod < 1 || options.RequestsPerPeriod > options.Burst)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{SectionName}:{nameof(RequestsPerPeriod)} must be from 1 to {nameof(Burst)} ({options.Burst})."));
        }

        if (options.Period < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{SectionName}:{nameof(Period)} must be at least 100 ms.");
        }

        return failures.Count == 0 ? options : throw new InvalidOperationException(string.Join(" ", failures));
    }
}
