using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// JSON Schemas taken from health-api's committed OpenAPI document (OpenAPI 3.1 schemas are JSON Schema 2020-12):
/// the schema of one request or response body, with the document's components as <c>$defs</c>.
/// </summary>
public static class OpenApiSchemas
{
    public static string DocumentPath { get; } = Path.Combine(RepositoryPaths.Root, "services", "HealthApi", "openapi-document", "health-api.json");

    public static JsonObject Document { get; } = JsonNode.Parse(File.ReadAllText(DocumentPath))!.AsObject();

    private static readonly Lock s_lock = new();
    private static readonly Dictionary<string, JsonSchema> s_schemas = [];

    public static JsonObject Operation(string path = "/calculator", string method = "post") =>
        Document["paths"]![path]![method]!.AsObject();

    /// <summary>The schema of the answer with <paramref name="status"/> to <c>POST /calculator</c>.</summary>
    public static JsonSchema CalculatorResponse(int status) =>
        Build($"calculator-{status}", Operation()["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)]!["content"]!
            .AsObject().Single().Value!["schema"]!);

    public static JsonSchema CalculatorRequest() =>
        Build("calculator-request", Operation()["requestBody"]!["content"]!["application/json"]!["schema"]!);

    /// <summary>Fails with every schema error when <paramref name="json"/> is not valid against <paramref name="schema"/>.</summary>
    public static void AssertValid(JsonSchema schema, string json)
    {
        using var instance = JsonDocument.Parse(json);
        var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"Not valid against the OpenAPI schema: {json}\n{Describe(result)}");
    }

    public static bool IsValid(JsonSchema schema, string json)
    {
        using var instance = JsonDocument.Parse(json);
        return schema.Evaluate(instance.RootElement).IsValid;
    }

    private static string Describe(EvaluationResults result) => string.Join('\n',
        (result.Details ?? []).Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation} ({detail.EvaluationPath}): {error.Value}")));

    private static JsonSchema Build(string name, JsonNode schema)
    {
        lock (s_lock)
        {
            if (!s_schemas.TryGetValue(name, out var built))
            {
                var root = new JsonObject
                {
                    ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                    ["$id"] = $"https://health-api.test/openapi/{name}",
                    ["$defs"] = Document["components"]!["schemas"]!.DeepClone(),
                    ["allOf"] = new JsonArray(schema.DeepClone()),
                };
                var text = root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
                built = s_schemas[name] = JsonSchema.FromText(text);
            }

            return built;
        }
    }
}
