using Microsoft.AspNetCore.HttpOverrides;

namespace NutritionAspire.HealthApi.Edge;

/// <summary>
/// health-api behind its public edge: the client's address and scheme taken from the trusted proxies only
/// (<see cref="PublicEdgeOptions"/>), <c>Strict-Transport-Security</c> on answers to HTTPS requests, and the rate limit
/// per client address (<see cref="ClientRateLimit"/>).
/// </summary>
internal static class PublicEdge
{
    /// <summary>A year: the edge serves HTTPS for good. No includeSubDomains or preload: the parent domain is not ours.</summary>
    private static readonly TimeSpan s_hstsMaxAge = TimeSpan.FromDays(365);

    public static WebApplicationBuilder AddPublicEdge(this WebApplicationBuilder builder)
    {
        var edge = PublicEdgeOptions.Read(builder.Configuration);
        builder.Services.AddSingleton(edge);
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true makes the host read X-Forwarded-For and -Proto from every sender, before
        // anything here runs: switched off, so only the trusted networks below are believed.
        builder.Services.PostConfigure<ForwardedHeadersOptions>(options => options.ForwardedHeaders = ForwardedHeaders.None);
        builder.Services.AddHsts(options => options.MaxAge = s_hstsMaxAge);
        builder.Services.AddClientRateLimit(ClientRateLimitOptions.Read(builder.Configuration));
        return builder;
    }

    public static WebApplication UsePublicEdge(this WebApplication app)
    {
        var edge = app.Services.GetRequiredService<PublicEdgeOptions>();
        if (edge.TrustedProxyNetworks().Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions
            {
                // With TLS ending before the proxies, their X-Forwarded-Proto says http for every request.
                ForwardedHeaders = edge.Https ? ForwardedHeaders.XForwardedFor : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
                // Only the address the trusted proxy appended, the last one: whatever the client wrote before it is its own say.
                ForwardLimit = 1,
            };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in edge.TrustedProxyNetworks())
            {
                forwarded.KnownIPNetworks.Add(network);
            }

            // The forwarded-headers middleware believes a connection without an address; this branch runs only for a
            // connection whose address is in a trusted network.
            app.UseWhen(context => edge.IsTrusted(context.Connection.RemoteIpAddress), trusted =>
            {
                if (edge.Https)
                {
                    trusted.Use((context, next) =>
                    {
                        context.Request.Scheme = Uri.UriSchemeHttps;
                        return next(context);
                    });
                }

                trusted.UseForwardedHeaders(forwarded);
            });
        }

        app.UseHsts();
        app.UseRateLimiter();
        return app;
    }
}
