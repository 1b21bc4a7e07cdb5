using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using NutritionAspire.HealthApi.OpenApi;

namespace NutritionAspire.HealthApi.Edge;

/// <summary>
/// The rate limit of the public API: a token bucket per client address (<see cref="ClientRateLimitOptions"/>), the
/// address being the one the trusted proxies forwarded (<see cref="PublicEdge"/>). A refused request is answered
/// <c>429</c> with <c>Retry-After</c> and a problem body shaped like the API's other errors.
/// </summary>
internal static class ClientRateLimit
{
    public const string PolicyName = "per-client-address";

    /// <summary>IPv6 clients are keyed by their /64: a host is given a whole /64 and may use any address in it.</summary>
    private const int Ipv6PrefixBytes = 8;

    public static void AddClientRateLimit(this IServiceCollection services, ClientRateLimitOptions limit)
    {
        services.AddSingleton(limit);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(PolicyName, context => Partition(context.Connection.RemoteIpAddress, limit));
            options.OnRejected = RejectAsync;
        });
    }

    /// <summary>Limits the endpoint per client address, and says so in the OpenAPI document.</summary>
    public static RouteHandlerBuilder RequireClientRateLimit(this RouteHandlerBuilder endpoint) =>
        endpoint.RequireRateLimiting(PolicyName).DescribeRateLimit();

    /// <summary>
    /// The bucket of a client address. A request with no address (the in-process test host; Kestrel on TCP always
    /// has one) is not limited, and neither is anything when the limit is off.
    /// </summary>
    public static RateLimitPartition<string> Partition(IPAddress? address, ClientRateLimitOptions limit) =>
        !limit.Enabled || ClientKey(address) is not { } key
            ? RateLimitPartition.GetNoLimiter(string.Empty)
            : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.Burst,
                TokensPerPeriod = limit.RequestsPerPeriod,
                ReplenishmentPeriod = limit.Period,
                AutoReplenishment = true,
                // Refused at once: a queue would hold the connection and the replica's memory for the client that is
                // already sending too much.
                QueueLimit = 0,
            });

    /// <summary>The key of a client address: IPv4 as it is (also when mapped into IPv6), IPv6 by its /64.</summary>
    public static string? ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, Ipv6PrefixBytes, bytes.Length - Ipv6PrefixBytes);
        return new IPAddress(bytes) + "/64";
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var limit = context.HttpContext.RequestServices.GetRequiredService<ClientRateLimitOptions>();
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : limit.Period;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await TooManyRequests(limit, seconds).ExecuteAsync(context.HttpContext);
    }

    /// <summary>429, with <c>error</c> as every problem of <c>POST /calculator</c> has (docs/contract.md §4).</summary>
    public static ProblemHttpResult TooManyRequests(ClientRateLimitOptions limit, int retryAfterSeconds)
    {
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"Too many requests from this client address: at most {limit.Burst} at once, then {limit.RequestsPerPeriod} every " +
            $"{limit.Period.TotalSeconds:0.###} s. Try again in {retryAfterSeconds} s.");
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too Many Requests",
            type: "https://tools.ietf.org/html/rfc6585#section-4",
            extensions: new Dictionary<string, object?> { ["error"] = detail });
    }
}
