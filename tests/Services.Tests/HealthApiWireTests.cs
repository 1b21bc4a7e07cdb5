using System.Text;
using System.Text.Json;
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
    };

    [Theory]
    [MemberData(nameof(UnreadableBodies))]
    public async Task AnUnreadableBodyIsOneBadRequestProblem(string description, byte[] body, string field, string message)
    {
        var response = await RawHttp.SendAsync(_server, RawHttp.Post("/calculator", body), Cancellation);

        var problem = AssertProblem(response, 400, description);
        Assert.Equal(message, Assert.Single(problem.GetProperty("errors").GetProperty(field).EnumerateArray()).GetString());
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
        Assert.StartsWith("The request body could not be read", problem.GetProperty("error").GetString(), StringComparison.Ordinal);
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
        return problem;
    }
}
