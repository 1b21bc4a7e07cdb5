using System.Globalization;
using System.Text.Json;
using CsCheck;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// health-api's public edge: the rate limit per client address (429 with a problem body and <c>Retry-After</c>, and
/// never for a client within it), the client's address and scheme believed only from the trusted proxies, and
/// <c>Strict-Transport-Security</c> on answers the edge served over HTTPS.
/// </summary>
public sealed class HealthApiEdgeTests : IAsyncLifetime
{
    private const string Ingress = "10.0.3.4";
    private const string IngressNetwork = "10.0.0.0/16";
    private const string Hsts = "max-age=31536000";

    /// <summary>A small bucket that is not refilled while a test runs, so every count here is exact.</summary>
    private static readonly Dictionary<string, string?> s_smallLimit = new()
    {
        ["RateLimit:Burst"] = "3",
        ["RateLimit:RequestsPerPeriod"] = "1",
        ["RateLimit:Period"] = "01:00:00",
    };

    private FakeBackends _backends = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _backends = await FakeBackends.StartAsync(Cancellation);

    public async ValueTask DisposeAsync() => await _backends.DisposeAsync();

    [Fact]
    public async Task PastTheLimitAClientGets429WithAProblemAndRetryAfterAndOthersAreStillServed()
    {
        await using var api = new HealthApiFactory(_backends, s_smallLimit);

        for (var request = 0; request < 3; request++)
        {
            Assert.Equal(200, (await EdgeRequest.PostCalculatorAsync(api, "198.51.100.7")).Status);
        }

        var refused = await EdgeRequest.PostCalculatorAsync(api, "198.51.100.7");

        Assert.Equal(429, refused.Status);
        Assert.StartsWith("application/problem+json", refused.ContentType, StringComparison.Ordinal);
        var retryAfter = int.Parse(refused.Headers.RetryAfter.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 3600);
        using var problem = JsonDocument.Parse(refused.Body);
        var root = problem.RootElement;
        Assert.Equal(429, root.GetProperty("status").GetInt32());
        Assert.Equal("Too Many Requests", root.GetProperty("title").GetString());
        Assert.Contains("at most 3 at once", root.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains($"Try again in {retryAfter} s.", root.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(root.GetProperty("detail").GetString(), root.GetProperty("error").GetString());
        OpenApiSchemas.AssertValid(OpenApiSchemas.CalculatorResponse(429), refused.Body);

        Assert.Equal(200, (await EdgeRequest.PostCalculatorAsync(api, "198.51.100.8")).Status);
        Assert.Equal(200, (await EdgeRequest.PostCalculatorAsync(api, "2001:db8:1:2::1")).Status);
    }

    [Fact]
    public async Task AClientThatStaysWithinTheLimitIsNeverRefused()
    {
        await using var api = new HealthApiFactory(_backends, s_smallLimit);
        var nextClient = 0;

        // Up to four clients, each sending at most the burst, in any order: every request is answered 200.
        var clients = Gen.Int[0, 3].Array[1, 12].Where(order => order.GroupBy(client => client).All(sent => sent.Count() <= 3));
        await clients.SampleAsync(async order =>
        {
            // Addresses never used before, so no bucket carries over from another sample.
            var first = Interlocked.Add(ref nextClient, 4) - 4;
            foreach (var client in order)
            {
                var address = string.Create(CultureInfo.InvariantCulture, $"100.64.{(first + client) / 250}.{(first + client) % 250 + 1}");
                var answer = await EdgeRequest.PostCalculatorAsync(api, address);
                Assert.True(answer.Status == 200, $"{address}, within the limit, got {answer.Status}: {answer.Body}");
            }
        }, iter: 60, threads: 1);
    }

    [Fact]
    public async Task BehindTheIngressAClientIsKeyedByTheAddressTheIngressForwarded()
    {
        await using var api = new HealthApiFactory(_backends, Settings(("PublicEdge:TrustedNetworks:0", IngressNetwork)));

        for (var request = 0; request < 3; request++)
        {
            Assert.Equal(200, (await EdgeRequest.PostCalculatorAsync(api, Ingress, Forwarded("203.0.113.5"))).Status);
        }

        // Its bucket is empty, whatever it writes in front of the address the ingress appends.
        Assert.Equal(429, (await EdgeRequest.PostCalculatorAsync(api, Ingress, Forwarded("203.0.113.5"))).Status);
        Assert.Equal(429, (await EdgeRequest.PostCalculatorAsync(api, Ingress, Forwarded("203.0.113.77, 203.0.113.5"))).Status);
        // Another client behind the same ingress has its own.
        Assert.Equal(200, (await EdgeRequest.PostCalculatorAsync(api, Ingress, Forwarded("203.0.113.6"))).Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AClientOutsideTheTrustedNetworksIsKeyedByItsOwnAddressWhateverItForwards(bool hostSwitchOn)
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED, which the host reads as ForwardedHeaders_Enabled, trusts every sender.
        await using var api = new HealthApiFactory(_backends, Settings(
            ("PublicEdge:TrustedNetworks:0", IngressNetwork), ("ForwardedHeaders_Enabled", hostSwitchOn ? "true" : "false")));

        for (var request = 0; request < 3; request++)
        {
            var answer = await EdgeRequest.PostCalculatorAsync(api, "198.51.100.20", Forwarded($"203.0.113.{100 + request}"));
            Assert.Equal(200, answer.Status);
        }

        Assert.Equal(429, (await EdgeRequest.PostCalculatorAsync(api, "198.51.100.20", Forwarded("203.0.113.200"))).Status);
    }

    [Fact]
    public async Task WithTheLimitOffNoClientIsRefused()
    {
        await using var api = new HealthApiFactory(_backends, Settings(("RateLimit:Enabled", "false")));

        for (var request = 0; request < 10; request++)
        {
            Assert.Equal(200, (await EdgeRequest.PostCalculatorAsync(api, "198.51.100.9")).Status);
        }
    }

    [Fact]
    public async Task HstsGoesOnAnswersTheTrustedProxyForwardedAsHttpsOnly()
    {
        await using var api = new HealthApiFactory(_backends, new Dictionary<string, string?> { ["PublicEdge:TrustedNetworks:0"] = IngressNetwork });

        Assert.Equal(Hsts, (await EdgeRequest.PostCalculatorAsync(api, Ingress, Forwarded("203.0.113.5", "https"))).Headers.StrictTransportSecurity);
        Assert.False(HasHsts(await EdgeRequest.PostCalculatorAsync(api, Ingress, Forwarded("203.0.113.5", "http"))));
        // X-Forwarded-Proto from anyone else is not believed.
        Assert.False(HasHsts(await EdgeRequest.PostCalculatorAsync(api, "198.51.100.21", Forwarded("203.0.113.5", "https"))));
        Assert.False(HasHsts(await EdgeRequest.PostCalculatorAsync(api, "198.51.100.21")));
    }

    [Fact]
    public async Task WhenTlsEndsBeforeTheProxyEveryAnswerThroughItCarriesHsts()
    {
        // manifests/eks: TLS ends at the NLB, and the ingress's Envoy forwards every request as http.
        await using var api = new HealthApiFactory(_backends, new Dictionary<string, string?>
        {
            ["PublicEdge:TrustedNetworks:0"] = IngressNetwork,
            ["PublicEdge:Https"] = "true",
        });

        var answer = await EdgeRequest.PostCalculatorAsync(api, Ingress, Forwarded("203.0.113.5", "http"));
        Assert.Equal(200, answer.Status);
        Assert.Equal(Hsts, answer.Headers.StrictTransportSecurity);
        var problem = await EdgeRequest.PostCalculatorAsync(api, Ingress, Forwarded("203.0.113.5", "http"), """{"age":0}""");
        Assert.Equal(400, problem.Status);
        Assert.Equal(Hsts, problem.Headers.StrictTransportSecurity);

        Assert.False(HasHsts(await EdgeRequest.PostCalculatorAsync(api, "198.51.100.22", Forwarded("203.0.113.5", "https"))));
    }

    [Theory]
    [InlineData("PublicEdge:TrustedNetworks:0", "10.0.3.4", "PublicEdge:TrustedNetworks:0 must be a network in CIDR form")]
    [InlineData("PublicEdge:TrustedNetworks:0", "ingress", "got 'ingress'")]
    [InlineData("PublicEdge:Https", "true", "PublicEdge:TrustedNetworks names none")]
    [InlineData("PublicEdge:TrustedProxies:0", "10.0.3.4", "TrustedProxies")]
    [InlineData("RateLimit:Burst", "0", "RateLimit:Burst must be at least 1.")]
    [InlineData("RateLimit:RequestsPerPeriod", "101", "RateLimit:RequestsPerPeriod must be from 1 to Burst (100).")]
    [InlineData("RateLimit:Period", "00:00:00.010", "RateLimit:Period must be at least 100 ms.")]
    [InlineData("RateLimit:PerSecond", "5", "PerSecond")]
    public void AnInvalidEdgeOrLimitSettingFailsAtStartUpNamingIt(string key, string value, string message)
    {
        using var api = new HealthApiFactory(_backends, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());

        Assert.Contains(message, Flatten(error), StringComparison.Ordinal);
    }

    private static bool HasHsts(EdgeAnswer answer) => answer.Headers.ContainsKey("Strict-Transport-Security");

    /// <summary>The small limit with <paramref name="extra"/> settings.</summary>
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(s_smallLimit);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The headers the ingress's Envoy adds: the client's address appended to X-Forwarded-For, and the scheme.</summary>
    private static Dictionary<string, string> Forwarded(string addresses, string? scheme = null)
    {
        var headers = new Dictionary<string, string> { ["X-Forwarded-For"] = addresses };
        if (scheme is not null)
        {
            headers["X-Forwarded-Proto"] = scheme;
        }

        return headers;
    }

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate
            ? string.Join(" | ", aggregate.InnerExceptions.Select(Flatten))
            : error.Message + (error.InnerException is null ? "" : " | " + Flatten(error.InnerException));
}
