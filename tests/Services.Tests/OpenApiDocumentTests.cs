using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using NutritionAspire.Tests;
using static NutritionAspire.Services.Tests.HealthApiTests;

namespace NutritionAspire.Services.Tests;

/// <summary>The OpenAPI document describes the wire: what a client written from it sends and receives.</summary>
public sealed class OpenApiDocumentTests(HealthApiFixture fixture) : IClassFixture<HealthApiFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static JsonObject Components => OpenApiSchemas.Document["components"]!["schemas"]!.AsObject();

    [Fact]
    public async Task TheCommittedDocumentIsTheOneTheApiServesWhateverTheHostHeader()
    {
        using var client = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example";

        using var response = await client.SendAsync(request, Cancellation);
        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!;

        Assert.True(JsonNode.DeepEquals(OpenApiSchemas.Document, served),
            $"{OpenApiSchemas.DocumentPath} differs from the document the API serves; build services/HealthApi to regenerate it.");
        Assert.Null(served["servers"]);
        Assert.DoesNotContain("evil.example", served.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCommittedDocumentIsUpToDateInGit()
    {
        // The build rewrites the document in place; a difference from the commit means the code changed it.
        var relativePath = Path.GetRelativePath(RepositoryPaths.Root, OpenApiSchemas.DocumentPath);
        ProcessResult status;
        try
        {
            status = await ProcessRunner.RunAsync("git", ["status", "--porcelain", "--", relativePath], RepositoryPaths.Root, Cancellation);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("git is not installed.");
            return;
        }

        if (status.ExitCode != 0)
        {
            Assert.Skip($"Not a git checkout: {status.Error}");
        }

        Assert.True(status.Output.Length == 0, $"The build regenerated {relativePath} and it differs from the commit; commit it.");
    }

    [Fact]
    public void TheDocumentSaysWhatTheApiIs()
    {
        var info = OpenApiSchemas.Document["info"]!;
        var operation = OpenApiSchemas.Operation();

        Assert.Equal("NutritionAspire health-api", (string?)info["title"]);
        Assert.Contains("POST /calculator", (string?)info["description"], StringComparison.Ordinal);
        Assert.Equal(["Calculator"], operation["tags"]!.AsArray().Select(tag => (string?)tag));
        Assert.Equal(["Service"], OpenApiSchemas.Operation("/version", "get")["tags"]!.AsArray().Select(tag => (string?)tag));
    }

    [Fact]
    public void TheRequestSchemaStatesTheContractsNamesTypesRangesAndChoices()
    {
        var request = OpenApiSchemas.Operation()["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var schema = Components[((string)request["$ref"]!).Split('/')[^1]]!;
        var properties = schema["properties"]!;

        Assert.Equal(["age", "weight", "height", "gender", "activity_intensity"], schema["required"]!.AsArray().Select(name => (string?)name));
        Assert.Equal(("integer", 1.0, 150.0), Describe(properties["age"]!));
        Assert.Equal(("number", 1.0, 700.0), Describe(properties["weight"]!));
        Assert.Equal(("number", 0.3, 3.0), Describe(properties["height"]!));
        Assert.Equal(["M", "F"], properties["gender"]!["enum"]!.AsArray().Select(value => (string?)value));
        Assert.Equal(["sedentary", "lightly_active", "moderately_active", "very_active", "extra_active"],
            properties["activity_intensity"]!["enum"]!.AsArray().Select(value => (string?)value));

        static (string?, double, double) Describe(JsonNode property) =>
            ((string?)property["type"], (double)property["minimum"]!, (double)property["maximum"]!);
    }

    [Fact]
    public void EveryAnswerIsDescribedWithItsSchema()
    {
        var responses = OpenApiSchemas.Operation()["responses"]!.AsObject();

        Assert.Equal(["200", "400", "413", "415", "422", "429", "503"], responses.Select(response => response.Key).Order());
        foreach (var (status, response) in responses)
        {
            var (mediaType, content) = Assert.Single(response!["content"]!.AsObject());
            Assert.Equal(status == "200" ? "application/json" : "application/problem+json", mediaType);
            Assert.NotNull(content!["schema"]);
        }

        // A refused client is told when to come back.
        var retryAfter = responses["429"]!["headers"]!["Retry-After"]!;
        Assert.True((bool)retryAfter["required"]!);
        Assert.Equal("integer", (string?)retryAfter["schema"]!["type"]);
    }

    [Fact]
    public void TheWorkedExampleIsTheOperationsExampleAndFitsItsSchemas()
    {
        var operation = OpenApiSchemas.Operation();
        var requestExample = operation["requestBody"]!["content"]!["application/json"]!["example"]!;
        var responseExample = operation["responses"]!["200"]!["content"]!["application/json"]!["example"]!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(WorkedExample.Request), requestExample), requestExample.ToJsonString());
        Assert.Equal(WorkedExample.ResponseWithoutId, WorkedExample.WithoutId(responseExample.ToJsonString()));
        OpenApiSchemas.AssertValid(OpenApiSchemas.CalculatorRequest(), WorkedExample.Request);
        OpenApiSchemas.AssertValid(OpenApiSchemas.CalculatorResponse(200), responseExample.ToJsonString());
    }

    [Fact]
    public void TheSchemasRefuseWhatTheApiRefuses()
    {
        OpenApiSchemas.AssertValid(OpenApiSchemas.CalculatorRequest(), WorkedExample.Request);
        Assert.False(OpenApiSchemas.IsValid(OpenApiSchemas.CalculatorRequest(), WorkedExample.Request.Replace("90.0", "\"90\"", StringComparison.Ordinal)));
        Assert.False(OpenApiSchemas.IsValid(OpenApiSchemas.CalculatorRequest(), WorkedExample.Request.Replace("1.77", "0.29", StringComparison.Ordinal)));
        Assert.False(OpenApiSchemas.IsValid(OpenApiSchemas.CalculatorRequest(), WorkedExample.Request.Replace("\"M\"", "\"m\"", StringComparison.Ordinal)));
        Assert.False(OpenApiSchemas.IsValid(OpenApiSchemas.CalculatorResponse(200),
            WorkedExample.ResponseWithoutId.Replace("\"ID\"", "\"00000000-0000-4000-8000-000000000000\"", StringComparison.Ordinal)
                .Replace("2011.7", "-1", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TheWorkedExampleAnswerFitsTheResponseSchema()
    {
        using var client = fixture.Factory.CreateClient();

        using var response = await PostAsync(client, WorkedExample.Request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        OpenApiSchemas.AssertValid(OpenApiSchemas.CalculatorResponse(200), await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Theory]
    [InlineData("""{"age":0}""", "application/json", 400)]
    [InlineData("""{"age":26,""", "application/json", 400)]
    [InlineData("", "application/json", 400)]
    [InlineData(WorkedExample.Request, "text/plain", 415)]
    [InlineData(WorkedExample.Request, null, 415)]
    public async Task EveryRequestErrorBodyFitsItsSchema(string body, string? contentType, int status)
    {
        using var client = fixture.Factory.CreateClient();
        using var content = new StringContent(body);
        content.Headers.ContentType = contentType is null ? null : new(contentType);

        using var response = await client.PostAsync(new Uri("/calculator", UriKind.Relative), content, Cancellation);

        await ReadProblemAsync(response, (HttpStatusCode)status);
        OpenApiSchemas.AssertValid(OpenApiSchemas.CalculatorResponse(status), await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task TheContentTooLargeBodyFitsItsSchema()
    {
        using var client = fixture.Factory.CreateClient();

        using var response = await PostAsync(client, $$"""{"padding":"{{new string('x', 20_000)}}"}""");

        await ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        OpenApiSchemas.AssertValid(OpenApiSchemas.CalculatorResponse(413), await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, 422)]
    [InlineData(StatusCode.Unavailable, 503)]
    [InlineData(StatusCode.Internal, 503)]
    public async Task EveryDependencyErrorBodyFitsItsSchema(StatusCode code, int status)
    {
        await using var backends = await FakeBackends.StartAsync(Cancellation);
        backends.Bmr = (_, _) => throw new RpcException(new Status(code, "bmr says no"));
        await using var api = new HealthApiFactory(backends);
        using var client = api.CreateClient();

        using var response = await PostAsync(client, WorkedExample.Request);

        await ReadProblemAsync(response, (HttpStatusCode)status);
        OpenApiSchemas.AssertValid(OpenApiSchemas.CalculatorResponse(status), await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task TheScalarPageLoadsNothingFromOutsideAndShowsNoCloudFeatures()
    {
        using var client = fixture.Factory.CreateClient();

        var page = await client.GetStringAsync(new Uri("/scalar/", UriKind.Relative), Cancellation);

        Assert.DoesNotContain("http://", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", page, StringComparison.Ordinal);
        Assert.Contains("\"hideClientButton\":true", page, StringComparison.Ordinal);
        Assert.Contains("\"telemetry\":false", page, StringComparison.Ordinal);
        Assert.Contains("\"agent\":{\"disabled\":true}", page, StringComparison.Ordinal);
        Assert.Contains("\"showDeveloperTools\":\"never\"", page, StringComparison.Ordinal);
        using var script = await client.GetAsync(new Uri("/scalar/scalar.js", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}
