using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NutritionAspire.HealthApi.Calculator;

namespace NutritionAspire.HealthApi.OpenApi;

/// <summary>
/// What the generated schemas cannot know from the types: the request's ranges and choices (from
/// <see cref="RequestRules"/>, which the parser enforces), and the answer's fixed values and non-negative numbers.
/// </summary>
internal static class CalculatorSchemas
{
    private static readonly string[] s_classes = ["underweight", "healthy", "overweight", "obese"];

    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(HealthInfo))
        {
            Range(schema, CalculatorRequestParser.Age, RequestRules.MinAge, RequestRules.MaxAge, "Years.");
            Range(schema, CalculatorRequestParser.Weight, RequestRules.MinWeight, RequestRules.MaxWeight, "Kilograms.");
            Range(schema, CalculatorRequestParser.Height, RequestRules.MinHeight, RequestRules.MaxHeight, "Metres.");
            OneOf(schema, CalculatorRequestParser.Gender, RequestRules.Genders, "M for the male formula, F for the female one.");
            OneOf(schema, CalculatorRequestParser.ActivityIntensity, RequestRules.Activities, "How active the person is; it sets the caloric necessity.");
        }
        else if (type == typeof(CalculatorResponse))
        {
            Property(schema, "status").Enum = [200];
            Property(schema, "id").Description = "A new random id (UUID v4, lower case) for each answer.";
        }
        else if (type == typeof(BodyMassIndex))
        {
            NonNegative(schema, "result");
            OneOf(schema, "class", s_classes, "<= 18.5 underweight, < 25 healthy, < 30 overweight, else obese.");
        }
        else if (type == typeof(Measure))
        {
            NonNegative(schema, "value");
            OneOf(schema, "unit", ["kcal", "ml"], null);
        }
        else if (type == typeof(ProteinMeasure))
        {
            NonNegative(schema, "value");
            OneOf(schema, "unit", ["g"], null);
        }
        else if (type == typeof(UnprocessableValuesProblem) || type == typeof(DependencyProblem))
        {
            OneOf(schema, "dependency", [.. CalculatorProblems.DependencyMessages.Keys], null);
            if (type == typeof(DependencyProblem))
            {
                OneOf(schema, "message", [.. CalculatorProblems.DependencyMessages.Values], null);
            }
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema Property(OpenApiSchema schema, string name) =>
        schema.Properties?[name] as OpenApiSchema
        ?? throw new InvalidOperationException($"The schema has no inline property {name}.");

    private static void Range(OpenApiSchema schema, string name, double minimum, double maximum, string description)
    {
        var property = Property(schema, name);
        property.Minimum = minimum.ToString(CultureInfo.InvariantCulture);
        property.Maximum = maximum.ToString(CultureInfo.InvariantCulture);
        property.Description = $"{description} From {property.Minimum} to {property.Maximum}.";
    }

    private static void NonNegative(OpenApiSchema schema, string name) => Property(schema, name).Minimum = "0";

    private static void OneOf(OpenApiSchema schema, string name, IEnumerable<string> values, string? description)
    {
        var property = Property(schema, name);
        property.Enum = [.. values.Select(value => (JsonNode)value)];
        property.Description ??= description;
    }
}
