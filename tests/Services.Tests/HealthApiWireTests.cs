using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// health-api through Kestrel on a loopback port, fed bytes no well-behaved client sends: every answer is one
/// problem body, never a 5xx, with <c>nosniff</c> and no <c>Server</c> header.
/// </summary>
public sealed class HealthApiWireTests : IAsyncLifetime
{
    private FakeBackends _backends = null!;
    private HealthApiFactory _api = null!;
    private Uri _server = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _backends = await FakeBackends.StartAsync(Cancellation);
        _api = new HealthApiFactory(_backends);
        _server = _api.StartOnKestrel();
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        await _backends.DisposeAsync();
    }

    public static TheoryData<string, byte[], string, string> UnreadableBodies => new()
    {
        { "invalid UTF-8 in gender", Body("""{"age":26,"weight":90,"height":1.77,"gender":"""u8, [0x22, 0xFF, 0xFE, 0x22], """,","activity_intensity":"very_active"}"""u8), "$", "The request body is not valid UTF-8." },
        { "a Latin-1 byte", Encoding.Latin1.GetBytes("""{"age":26,"weight":90,"height":1.77,"gender":"Mé","activity_intensity":"very_active"}"""), "$", "The request body is not valid UTF-8." },
        { "an overlong encoding", Body("""{"age":26,"gender":"""u8, [0x22, 0xC0, 0xAF, 0x22], "}"u8), "$", "The request body is not valid UTF-8." },
        { "a lone surrogate in gender", Encoding.ASCII.GetBytes("""{"age":26,"weight":90,"height":1.77,"gender":"\ud800","activity_intensity":"very_active"}"""), "gender", "gender must be one of: M, F." },
        { "a lone surrogate in activity", Encoding.ASCII.GetBytes("""{"age":26,"weight":90,"height":1.77,"gender":"M","activity_intensity":"\udfff"}"""), "activity_intensity", "activity_intensity must be one of: sedentary, lightly_active, moderately_active, very_active, extra_active." },
        { "a lone surrogate in a property name", Encoding.ASCII.GetBytes("""{"\ud800":1,"age":26,"weight":90,"height":1.77,"gender":"M","activity_intensity":"very_active"}"""), "$", "The request body has a property name that is not valid Unicode text." },
        { "a long escaped property name with a lone surrogate", Encoding.ASCII.GetBytes("""{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\ud800":1}"""), "$", "The request body has a property name that is not valid Unicode text." },
        { "a lone surrogate in an unknown property", Encoding.ASCII.GetBytes("""{"nickname":"\ud800","age":26,"weight":90,"height":1.77,"gender":"M","activity_intensity":"very_active"}"""), "$", "The request body has a string that is not valid Unicode text." },
        { "a lone surrogate deep in an unknown property", Encoding.ASCII.GetBytes("""{"age":26,"weight":90,"height":1.77,"gender":"M","activity_intensity":"very_active","x":{"y":[1,{"z":"ok \udfff"}]}}"""), "$", "The request body has a string that is not valid Unicode text." },
        { "a lone surrogate in a property name inside an unknown property", Encoding.ASCII.GetBytes("""{"x":{"\ud800":true},"age":26,"weight":90,"height":1.77,"gender":"M","activity_intensity":"very_active"}"""), "$", "The request body has a string that is not valid Unicode text." },
        { "a leading zero", "{\"age\":026}"u8.ToArray(), "$", "The request body is not valid JSON: it breaks off or has something unexpected at line 1, byte 9." },
        { "a second line cut short", "{\"age\":26,\n\"weight\":"u8.ToArray(), "$", "The request body is not valid JSON: it breaks off or has something unexpected at line 2, byte 10." },
    };

    [Theory]
    [MemberData(nameof(UnreadableBodies))]
    public async Task AnUnreadableBodyIsOneBadRequestProblem(string description, byte[] body, string field, string message)
    {
        var response = await RawHttp.SendAsync(_server, RawHttp.Post("/calculator", body), Cancellation);

        var problem = AssertProblem(response, 400, description);
        Assert.Equal(message, Assert.Single(problem.GetProperty("errors").GetProperty(field).EnumerateArray()).GetString());
        Assert.Equal(message, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnEscapedPairedSurrogateIsText()
    {
        var body = Encoding.ASCII.GetBytes("""{"\u0061ge":26,"\u0061\u0063\u0074\u0069\u0076\u0069\u0074\u0079\u005f\u0069\u006e\u0074\u0065\u006e\u0073\u0069\u0074\u0079":"very_active","weight":90.0,"height":1.77,"gender":"\u004d","emoji":"\ud83d\ude00"}""");

        var response = await RawHttp.SendAsync(_server, RawHttp.Post("/calculator", body), Cancellation);

        Assert.Equal(200, response.Status);
        Assert.Equal(WorkedExample.ResponseWithoutId, WorkedExample.WithoutId(response.Body));
    }

    [Theory]
    [InlineData("an overflowing chunk size", "FFFFFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n")]
    [InlineData("a chunk size that is not hex", "zz\r\n{}\r\n0\r\n\r\n")]
    [InlineData("a chunk longer than announced", "2\r\n{\"age\":26}\r\n0\r\n\r\n")]
    public async Task MalformedChunkingIsOneBadRequestProblem(string description, string chunkedBody)
    {
        var response = await RawHttp.SendAsync(_server, RawHttp.PostChunked("/calculator", chunkedBody), Cancellation);

        var problem = AssertProblem(response, 400, description);
        Assert.Equal(
            "The request body could not be read: its chunked encoding is malformed, or it ended before its announced length.",
            problem.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ABodyPastKestrelsOwnLimitIsContentTooLargeInOurWords()
    {
        await using var api = new HealthApiFactory(_backends);
        var server = api.StartOnKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 1000);
        var chunk = new string(' ', 2000);

        var response = await RawHttp.SendAsync(server, RawHttp.PostChunked("/calculator", $"{chunk.Length:X}\r\n{chunk}\r\n0\r\n\r\n"), Cancellation);

        var problem = AssertProblem(response, 413, "a body past Kestrel's limit");
        Assert.Equal("The request body must be at most 1000 bytes.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnUnexpectedExceptionIsA500ProblemThatQuotesNothingOfIt()
    {
        // A route that fails as no route of health-api should: the answer must not carry what the exception says.
        await using var failing = _api.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.AddTransient<IStartupFilter, FailingRoute>()));
        using var client = failing.CreateClient();

        using var response = await client.GetAsync(new Uri(FailingRoute.Path, UriKind.Relative), Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        ProblemText.AssertQuotesNoInternals(body);
        Assert.DoesNotContain(FailingRoute.Secret, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("an HTTP version Kestrel does not speak", "POST /calculator HTTP/1.2\r\nHost: localhost\r\nConnection: close\r\n\r\n", 505)]
    [InlineData("no Host header", "GET /version HTTP/1.1\r\nConnection: close\r\n\r\n", 400)]
    [InlineData("two Host headers", "GET /version HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n", 400)]
    public async Task KestrelAnswersAMalformedRequestItselfWithNoBody(string description, string request, int status)
    {
        // docs/contract.md §4: these never reach health-api's code, so they get Kestrel's empty answer, not a problem.
        var response = await RawHttp.SendAsync(_server, Encoding.ASCII.GetBytes(request), Cancellation);

        Assert.True(response.Status == status, $"{description}: expected {status}, got {response.Status}");
        Assert.Equal("", response.Body);
        Assert.Null(response.Header("Server"));
    }

    [Fact]
    public async Task AnUnknownRouteIsANotFoundProblem()
    {
        var response = await RawHttp.SendAsync(_server, RawHttp.Request("GET", "/nope"), Cancellation);

        AssertProblem(response, 404, "unknown route");
    }

    [Theory]
    [InlineData("GET", "/calculator", "POST")]
    [InlineData("DELETE", "/calculator", "POST")]
    [InlineData("POST", "/version", "GET")]
    public async Task AWrongMethodIsAMethodNotAllowedProblemThatKeepsAllow(string method, string path, string allow)
    {
        var response = await RawHttp.SendAsync(_server, RawHttp.Request(method, path), Cancellation);

        AssertProblem(response, 405, $"{method} {path}");
        Assert.Equal(allow, response.Header("Allow"));
    }

    [Theory]
    [InlineData("/healthcheck")]
    [InlineData("/version")]
    [InlineData("/openapi/v1.json")]
    public async Task EveryAnswerSaysNosniffAndNotWhichServer(string path)
    {
        var response = await RawHttp.SendAsync(_server, RawHttp.Request("GET", path), Cancellation);

        Assert.Equal(200, response.Status);
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Null(response.Header("Server"));
    }

    /// <summary>Appends a route to the end of the pipeline (reached when no endpoint matched) that throws.</summary>
    private sealed class FailingRoute : IStartupFilter
    {
        public const string Path = "/failing-for-the-test";
        public const string Secret = "connection string Server=db-internal;Password=hunter2";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((context, nextMiddleware) => context.Request.Path == Path
                ? throw new InvalidOperationException(Secret)
                : nextMiddleware(context));
        };
    }

    private static byte[] Body(ReadOnlySpan<byte> before, byte[] middle, ReadOnlySpan<byte> after) => [.. before, .. middle, .. after];

    private static JsonElement AssertProblem(RawResponse response, int status, string description)
    {
        Assert.True(response.Status == status, $"{description}: expected {status}, got {response.Status}: {response.Body}");
        Assert.Equal(1, response.ResponseCount);
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Null(response.Header("Server"));
        var problem = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        ProblemText.AssertQuotesNoInternals(response.Body);
        return problem;
    }
}
