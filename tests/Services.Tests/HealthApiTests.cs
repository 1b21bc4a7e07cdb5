using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>health-api's REST contract (§4) against fake gRPC dependencies that answer with the real rules.</summary>
public sealed class HealthApiTests(HealthApiFixture fixture) : IClassFixture<HealthApiFixture>
{
    private static readonly (string Name, string Json)[] s_validFields =
        [("age", "26"), ("weight", "90.0"), ("height", "1.77"), ("gender", "\"M\""), ("activity_intensity", "\"very_active\"")];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WorkedExampleReturnsTheContractJsonWithKeysInOrder()
    {
        using var client = fixture.Factory.CreateClient();

        using var response = await PostAsync(client, WorkedExample.Request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(WorkedExample.ResponseWithoutId, WorkedExample.WithoutId(await response.Content.ReadAsStringAsync(Cancellation)));
    }

    [Fact]
    public async Task PropertyNamesMatchCaseInsensitivelyAndUnknownOnesAreIgnored()
    {
        using var client = fixture.Factory.CreateClient();

        using var response = await PostAsync(client,
            """{"AGE":26,"Weight":90.0,"height":1.77,"Gender":"M","Activity_Intensity":"very_active","nickname":"x"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(WorkedExample.ResponseWithoutId, WorkedExample.WithoutId(await response.Content.ReadAsStringAsync(Cancellation)));
    }

    [Theory]
    [InlineData("age", null, "age is required.")]
    [InlineData("age", "null", "age is required.")]
    [InlineData("age", "\"26\"", "age must be a whole number.")]
    [InlineData("age", "26.5", "age must be a whole number.")]
    [InlineData("age", "0", "age must be between 1 and 150.")]
    [InlineData("age", "151", "age must be between 1 and 150.")]
    [InlineData("weight", null, "weight is required.")]
    [InlineData("weight", "\"90\"", "weight must be a number.")]
    [InlineData("weight", "0.99", "weight must be between 1 and 700.")]
    [InlineData("weight", "-90", "weight must be between 1 and 700.")]
    [InlineData("weight", "700.5", "weight must be between 1 and 700.")]
    [InlineData("weight", "1e400", "weight must be between 1 and 700.")]
    [InlineData("height", null, "height is required.")]
    [InlineData("height", "true", "height must be a number.")]
    [InlineData("height", "0.29", "height must be between 0.3 and 3.")]
    [InlineData("height", "1e-200", "height must be between 0.3 and 3.")]
    [InlineData("height", "5e-324", "height must be between 0.3 and 3.")]
    [InlineData("height", "3.01", "height must be between 0.3 and 3.")]
    [InlineData("gender", null, "gender is required.")]
    [InlineData("gender", "1", "gender must be a string.")]
    [InlineData("gender", "\"m\"", "gender must be one of: M, F.")]
    [InlineData("gender", "\"X\"", "gender must be one of: M, F.")]
    [InlineData("activity_intensity", null, "activity_intensity is required.")]
    [InlineData("activity_intensity", "[]", "activity_intensity must be a string.")]
    [InlineData("activity_intensity", "\"lazy\"",
        "activity_intensity must be one of: sedentary, lightly_active, moderately_active, very_active, extra_active.")]
    public async Task EachInvalidFieldGetsAProblemNamingIt(string field, string? json, string message)
    {
        using var client = fixture.Factory.CreateClient();
        var body = "{" + string.Join(",", s_validFields
            .Select(f => f.Name == field ? (f.Name, json) : (f.Name, (string?)f.Json))
            .Where(f => f.Item2 is not null)
            .Select(f => $"\"{f.Name}\":{f.Item2}")) + "}";

        using var response = await PostAsync(client, body);
        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.Equal(message, problem.GetProperty("error").GetString());
        Assert.Equal(message, problem.GetProperty("detail").GetString());
        var errors = problem.GetProperty("errors").EnumerateObject().ToArray();
        Assert.Equal(field, Assert.Single(errors).Name);
        Assert.Equal(message, Assert.Single(errors[0].Value.EnumerateArray()).GetString());
    }

    [Fact]
    public async Task EveryFailingFieldIsListedInContractOrder()
    {
        using var client = fixture.Factory.CreateClient();

        using var response = await PostAsync(client, """{"activity_intensity":"x","gender":"x","height":9,"weight":-1,"age":0}""");
        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.Equal(["age", "weight", "height", "gender", "activity_intensity"],
            problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(5, problem.GetProperty("error").GetString()!.Split('\n').Length);
        Assert.StartsWith("age must be", problem.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "The request body is empty; send a JSON object.")]
    [InlineData("[1,2]", "The request body must be a JSON object.")]
    [InlineData("\"text\"", "The request body must be a JSON object.")]
    [InlineData("{\"age\":26,", "The request body is not valid JSON: ")]
    [InlineData("{\"age\":26}{\"age\":27}", "The request body is not valid JSON: ")]
    public async Task AMalformedBodyIsABadRequestAndTheServiceKeepsServing(string body, string messageStart)
    {
        using var client = fixture.Factory.CreateClient();

        using var bad = await PostAsync(client, body);
        var problem = await ReadProblemAsync(bad, HttpStatusCode.BadRequest);
        using var good = await PostAsync(client, WorkedExample.Request);

        Assert.StartsWith(messageStart, problem.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("$", Assert.Single(problem.GetProperty("errors").EnumerateObject()).Name);
        ProblemText.AssertQuotesNoInternals(problem.GetRawText());
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task ABodyOver16KiBIsContentTooLarge()
    {
        using var client = fixture.Factory.CreateClient();
        var padding = new string('x', 16 * 1024);

        using var response = await PostAsync(client, $$"""{"age":26,"padding":"{{padding}}"}""");
        var problem = await ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("16384 bytes", problem.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyOver16KiBWithoutAContentLengthIsContentTooLarge()
    {
        using var client = fixture.Factory.CreateClient();
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"padding":"{{new string('x', 20_000)}}"}""")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/calculator") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request, Cancellation);

        await ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("text/plain", "The request body must be application/json, got 'text/plain'.")]
    [InlineData("application/x-www-form-urlencoded", "The request body must be application/json, got 'application/x-www-form-urlencoded'.")]
    [InlineData("application/x-evil+json", "The request body must be application/json, got 'application/x-evil+json'.")]
    [InlineData("application/problem+json", "The request body must be application/json, got 'application/problem+json'.")]
    [InlineData("text/json", "The request body must be application/json, got 'text/json'.")]
    [InlineData("application/json; charset=latin1", "The request body must be application/json in UTF-8, got charset 'latin1'.")]
    [InlineData("application/json; charset=utf-16", "The request body must be application/json in UTF-8, got charset 'utf-16'.")]
    [InlineData("application/json; charset=\"iso-8859-1\"", "The request body must be application/json in UTF-8, got charset 'iso-8859-1'.")]
    [InlineData("application/json; charset=", "The request body must be application/json in UTF-8, got charset ''.")]
    [InlineData(null, "The request body must be application/json; the request has no readable Content-Type.")]
    public async Task AnythingButJsonInUtf8IsUnsupportedMediaType(string? contentType, string message)
    {
        using var client = fixture.Factory.CreateClient();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(WorkedExample.Request));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await client.PostAsync(new Uri("/calculator", UriKind.Relative), content, Cancellation);
        var problem = await ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType);

        Assert.Equal(message, problem.GetProperty("error").GetString());
        Assert.Equal(message, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    [InlineData("identity, gzip")]
    public async Task AContentEncodingIsUnsupportedMediaType(string contentEncoding)
    {
        using var client = fixture.Factory.CreateClient();
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(WorkedExample.Request));
        }

        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new("application/json");
        content.Headers.TryAddWithoutValidation("Content-Encoding", contentEncoding);

        using var response = await client.PostAsync(new Uri("/calculator", UriKind.Relative), content, Cancellation);
        var problem = await ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType);

        Assert.StartsWith("The request body must not be compressed or otherwise encoded, got Content-Encoding '", problem.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json", null)]
    [InlineData("application/json; charset=utf-8", null)]
    [InlineData("Application/JSON; Charset=\"UTF-8\"", null)]
    [InlineData("application/json", "identity")]
    public async Task JsonInUtf8IsAcceptedWithOrWithoutItsCharsetAndAnIdentityCoding(string contentType, string? contentEncoding)
    {
        using var client = fixture.Factory.CreateClient();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(WorkedExample.Request));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (contentEncoding is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Encoding", contentEncoding);
        }

        using var response = await client.PostAsync(new Uri("/calculator", UriKind.Relative), content, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/healthcheck", """{"status":200}""")]
    [InlineData("/liveness", """{"status":200}""")]
    [InlineData("/readiness", """{"status":"Ready"}""")]
    [InlineData("/version", """{"application":"health-api","version":"1.0.0"}""")]
    public async Task ProbeAndVersionRoutesAnswerAsTheOriginal(string path, string expected)
    {
        using var client = fixture.Factory.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task UnknownRoutesAreNotFound()
    {
        using var client = fixture.Factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/nope", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SuccessfulCalculationsAreCountedByGenderAndActivity()
    {
        using var client = fixture.Factory.CreateClient();

        using var response = await PostAsync(client, """{"age":30,"weight":60,"height":1.6,"gender":"F","activity_intensity":"extra_active"}""");
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var counter = metrics.Split('\n').Single(line =>
            line.StartsWith("nutrition_calculations_total{", StringComparison.Ordinal)
            && line.Contains("activity=\"extra_active\"", StringComparison.Ordinal)
            && line.Contains("gender=\"F\"", StringComparison.Ordinal));
        Assert.True(long.Parse(counter[(counter.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task TheRequestSpanCarriesTheRequestAttributes()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        using var client = fixture.Factory.CreateClient();
        // Other tests run at the same time; this request's trace id tells its span apart.
        var traceId = ActivityTraceId.CreateRandom();
        using var response = await PostAsync(client, WorkedExample.Request, $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The server span stops after the response has reached the client, so wait for it. The fake dependencies run in
        // this process too, so their server spans share the trace.
        var span = await Eventually.ReturnsAsync(_ =>
            {
                lock (spans)
                {
                    return Task.FromResult(spans.SingleOrDefault(s => s.TraceId == traceId
                        && s.OperationName == "Microsoft.AspNetCore.Hosting.HttpRequestIn" && s.GetTagItem("url.path") is "/calculator"));
                }
            },
            TimeSpan.FromSeconds(10), () => "the request span did not stop", Cancellation, TimeSpan.FromMilliseconds(10));

        Assert.Equal(26, span.GetTagItem("request.age"));
        Assert.Equal("very_active", span.GetTagItem("request.activity_intensity"));
        Assert.Equal("M", span.GetTagItem("request.gender"));
        Assert.Equal(90.0, span.GetTagItem("request.weight"));
        Assert.Equal(1.77, span.GetTagItem("request.height"));
    }

    /// <summary>POSTs <paramref name="json"/> to /calculator, as a call of the trace <paramref name="traceParent"/> when one is given.</summary>
    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, string json, string? traceParent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/calculator")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (traceParent is not null)
        {
            request.Headers.Add("traceparent", traceParent);
        }

        return await client.SendAsync(request, Cancellation);
    }

    /// <summary>Asserts an RFC 9457 problem with the status, and returns its body.</summary>
    internal static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        ProblemText.AssertQuotesNoInternals(body);
        return problem;
    }
}
