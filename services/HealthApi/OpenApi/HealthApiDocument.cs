using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace NutritionAspire.HealthApi.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, which describes exactly the JSON on the wire (snake_case names,
/// numbers as numbers with their ranges, every status with its body), and its Scalar page at <c>/scalar</c>.
/// The build writes the same document to <c>openapi-document/health-api.json</c>.
/// </summary>
internal static class HealthApiDocument
{
    public const string CalculatorTag = "Calculator";
    public const string ServiceTag = "Service";

    public static WebApplicationBuilder AddHealthApiDocument(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "NutritionAspire health-api",
                    Version = "1.0.0",
                    Description =
                        "The public REST API of NutritionAspire. POST /calculator takes a person's age, weight, height, " +
                        "gender and activity intensity and answers their IMC (BMI) and its class, basal metabolic rate and " +
                        "caloric necessity, and daily water, protein and calorie recommendations, computed by the gRPC " +
                        "services behind the API. Wire-compatible with the health-api of the original nutrition-overengineering.",
                };
                // The document is the same wherever it is served from: no server taken from the request's Host header.
                document.Servers = [];
                document.Tags = new HashSet<OpenApiTag>
                {
                    new() { Name = CalculatorTag, Description = "Nutrition calculations." },
                    new() { Name = ServiceTag, Description = "About the running service." },
                };
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer(CalculatorSchemas.TransformAsync);
        });
        return builder;
    }

    public static WebApplication MapHealthApiDocument(this WebApplication app)
    {
        app.MapOpenApi();
        // Everything the page needs is served from here: no fonts, telemetry, AI agent or cloud client from outside.
        app.MapScalarApiReference(options =>
        {
            options.Title = "NutritionAspire health-api";
            options.DefaultFonts = false;
            options.Telemetry = false;
            options.HideClientButton = true;
            options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            options.Agent = new ScalarAgentOptions { Disabled = true };
            options.Mcp = new ScalarMcpOptions { Disabled = true };
        });
        return app;
    }
}
