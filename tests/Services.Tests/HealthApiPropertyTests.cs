using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// Thousands of generated bodies against health-api over the fake dependencies (the real rules): valid ones, values out
/// of range, wrong types, odd Unicode, extreme doubles and raw bytes. Never a 5xx; every 4xx is a problem body that fits
/// the OpenAPI schema of its status and quotes no exception; every 200 has only finite non-negative numbers and fits
/// the response schema.
/// </summary>
public sealed class HealthApiPropertyTests(HealthApiFixture fixture) : IClassFixture<HealthApiFixture>
{
    private static readonly Gen<string> s_extremeNumber = Gen.OneOf(
        "1e400", "-1e400", "5e-324", "-5e-324", "1e-200", "1e-160", "-0", "0", "0.0", "1", "700", "700.0000000000001", "0.3",
        "0.29999999999999999", "3", "3.0000000000000004", "150", "151", "1E2", "1.5e1", "1.7976931348623157e308",
        "123456789012345678901234567890", "-1", "0.1e1", "9007199254740993");

    private static readonly Gen<string> s_number = Gen.Frequency(
        (2, Gen.Double.Select(Number)), (2, Gen.Double[-1000, 1000].Select(Number)), (2, Gen.Long.Select(Json)), (3, s_extremeNumber));

    private static readonly Gen<string> s_oddText = Gen.OneOf(
        "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"M\\ud800\"", "\"\\u0000\"", "\"M\\u0000\"", "\"\\u004D\"", "\"\\u0046\"", "\"😀\"",
        "\"\\ud83d\\ude00\"", "\"ｍ\"", "\"M\u0301\"", "\"\u202Every_active\"", "\"very_active \"", "\"VERY_ACTIVE\"", "\"\"", "\"m\"");

    private static readonly Gen<string> s_text = Gen.Frequency(
        (2, Gen.String.Select(Json)), (2, Gen.Char.Array[0, 6].Select(chars => Json(new string(chars)))), (3, s_oddText),
        (2, Gen.OneOf("\"M\"", "\"F\"", "\"sedentary\"", "\"lightly_active\"", "\"moderately_active\"", "\"very_active\"", "\"extra_active\"")));

    private static readonly Gen<string> s_otherValue = Gen.OneOf("true", "false", "null", "[]", "{}", "[1,2]", """{"a":{}}""", "[[[[[]]]]]");

    private static readonly Gen<string> s_anyValue = Gen.Frequency((3, s_number), (3, s_text), (1, s_otherValue));

    private static readonly Gen<string> s_validBody = Gen.Select(
        Gen.Int[1, 150], Gen.Double[1, 700], Gen.Double[0.3, 3], Gen.OneOf("M", "F"),
        Gen.OneOf("sedentary", "lightly_active", "moderately_active", "very_active", "extra_active"),
        (age, weight, height, gender, activity) =>
            $$"""{"age":{{age}},"weight":{{Number(weight)}},"height":{{Number(height)}},"gender":"{{gender}}","activity_intensity":"{{activity}}"}""");

    private static readonly Gen<string> s_mixedObject = Gen.Select(
        Field("age", Gen.Int[1, 150].Select(Json)),
        Field("weight", Gen.Double[1, 700].Select(Number)),
        Field("height", Gen.Double[0.3, 3].Select(Number)),
        Field("gender", Gen.OneOf("\"M\"", "\"F\"")),
        Field("activity_intensity", Gen.OneOf("\"sedentary\"", "\"very_active\"", "\"extra_active\"")),
        Gen.Frequency((3, Gen.Const("")), (1, Gen.Select(Gen.String[0, 12], s_anyValue, (name, value) => $"{Json(name)}:{value}"))),
        (age, weight, height, gender, activity, extra) =>
            "{" + string.Join(",", new[] { extra, age, weight, height, gender, activity }.Where(part => part.Length > 0)) + "}");

    private static readonly Gen<byte[]> s_body = Gen.Frequency(
        (6, s_mixedObject.Select(Encoding.UTF8.GetBytes)),
        (1, s_mixedObject.Select(body => Encoding.UTF8.GetBytes(body[..(body.Length / 2)]))),
        (1, s_anyValue.Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Byte.Array[0, 80]),
        (1, Gen.Select(s_mixedObject, Gen.Byte.Array[1, 4], (string body, byte[] bytes) => (byte[])[.. Encoding.UTF8.GetBytes(body[..^1]), .. bytes, (byte)'}'])));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ValidBodiesGetFiniteNonNegativeAnswersThatFitTheSchema()
    {
        using var client = fixture.Factory.CreateClient();

        await s_validBody.SampleAsync(async body =>
        {
            var (status, contentType, answer) = await PostAsync(client, Encoding.UTF8.GetBytes(body));
            // In range field by field, a few are outside the formulas (a negative male basal rate): 422, never 5xx.
            Assert.True(status is 200 or 422, $"{body} -> {status}: {answer}");
            AssertKeepsTheContract(body, status, contentType, answer);
        }, iter: 1_000, threads: 2);
    }

    [Fact]
    public async Task NoGeneratedBodyGetsA5xxAndEveryErrorIsAProblemThatFitsTheSchema()
    {
        using var client = fixture.Factory.CreateClient();

        await s_body.SampleAsync(async body =>
        {
            var (status, contentType, answer) = await PostAsync(client, body);
            AssertKeepsTheContract(Convert.ToHexString(body), status, contentType, answer);
        }, iter: 3_000, threads: 2, print: body => Encoding.UTF8.GetString(body));
    }

    /// <summary>A field present with a valid value, a generated one of any kind, or absent; its name in any case.</summary>
    private static Gen<string> Field(string name, Gen<string> valid) => Gen.Select(
        Gen.OneOf(name, name.ToUpperInvariant(), char.ToUpperInvariant(name[0]) + name[1..]),
        Gen.Frequency((6, valid), (3, s_anyValue), (1, Gen.Const(""))),
        (key, value) => value.Length == 0 ? "" : $"\"{key}\":{value}");

    private static async Task<(int Status, string? ContentType, string Body)> PostAsync(HttpClient client, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(new Uri("/calculator", UriKind.Relative), content, Cancellation);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(Cancellation));
    }

    private static void AssertKeepsTheContract(string request, int status, string? contentType, string answer)
    {
        Assert.True(status < 500, $"{request} -> {status}: {answer}");
        if (status == 200)
        {
            Assert.Equal("application/json", contentType);
            using var document = JsonDocument.Parse(answer);
            AssertFiniteNonNegative(document.RootElement, request);
        }
        else
        {
            Assert.Equal("application/problem+json", contentType);
            using var document = JsonDocument.Parse(answer);
            Assert.Equal(status, document.RootElement.GetProperty("status").GetInt32());
            ProblemText.AssertQuotesNoInternals(answer);
        }

        OpenApiSchemas.AssertValid(OpenApiSchemas.CalculatorResponse(status), answer);
    }

    private static void AssertFiniteNonNegative(JsonElement element, string request)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                Assert.True(double.IsFinite(element.GetDouble()) && element.GetDouble() >= 0, $"{request}: {element}");
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    AssertFiniteNonNegative(property.Value, request);
                }

                break;
        }
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture) switch
    {
        var text when double.IsFinite(value) => text,
        _ => "1e400",
    };

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
