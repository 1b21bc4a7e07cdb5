using System.Text.Json;
using System.Text.Json.Serialization;
using NutritionAspire.HealthApi.Calculator;
using NutritionAspire.HealthApi.OpenApi;

namespace NutritionAspire.HealthApi;

internal static class HealthApiJson
{
    /// <summary>
    /// The API's JSON is snake_case with strict numbers, written by generated code: the answers, and the OpenAPI
    /// document's schemas, which are generated from these options. Nothing falls back to reflection, which a Native AOT
    /// build does not have.
    /// </summary>
    public static WebApplicationBuilder AddHealthApiJson(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, HealthApiJsonContext.Default);
        });
        return builder;
    }
}

/// <summary>Every type health-api writes as JSON or describes in its OpenAPI document.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CalculatorResponse))]
[JsonSerializable(typeof(HealthInfo))]
[JsonSerializable(typeof(VersionInfo))]
[JsonSerializable(typeof(LivenessAnswer))]
[JsonSerializable(typeof(ReadinessAnswer))]
[JsonSerializable(typeof(InvalidRequestProblem))]
[JsonSerializable(typeof(UnprocessableValuesProblem))]
[JsonSerializable(typeof(RequestProblem))]
[JsonSerializable(typeof(DependencyProblem))]
[JsonSerializable(typeof(TooManyRequestsProblem))]
internal sealed partial class HealthApiJsonContext : JsonSerializerContext;
