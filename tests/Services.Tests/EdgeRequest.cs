using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>An answer of health-api to a request from a chosen client address.</summary>
public sealed record EdgeAnswer(int Status, IHeaderDictionary Headers, string? ContentType, string Body);

/// <summary>
/// Requests to health-api in memory with the connection's address set, as Kestrel sets it from the socket, and the
/// headers a proxy in front adds: what its public edge (forwarded headers, rate limit, HSTS) decides on.
/// </summary>
public static class EdgeRequest
{
    /// <summary>The public host name the requests are for (HSTS is never sent for localhost).</summary>
    public const string Host = "health.example.org";

    public static Task<EdgeAnswer> PostCalculatorAsync(
        HealthApiFactory api, string clientAddress, IReadOnlyDictionary<string, string>? headers = null, string body = WorkedExample.Request) =>
        SendAsync(api, clientAddress, "POST", "/calculator", headers, body);

    public static async Task<EdgeAnswer> SendAsync(
        HealthApiFactory api, string clientAddress, string method, string path, IReadOnlyDictionary<string, string>? headers = null, string? body = null)
    {
        var context = await api.Server.SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(clientAddress);
            context.Request.Method = method;
            context.Request.Path = path;
            context.Request.Host = new HostString(Host);
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                context.Request.Headers[name] = new StringValues(value);
            }

            if (body is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Request.ContentType = "application/json";
                context.Request.ContentLength = bytes.Length;
                context.Request.Body = new MemoryStream(bytes);
            }
        }, TestContext.Current.CancellationToken);

        using var reader = new StreamReader(context.Response.Body);
        return new EdgeAnswer(context.Response.StatusCode, context.Response.Headers, context.Response.ContentType,
            await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
    }
}
