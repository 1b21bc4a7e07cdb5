using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NutritionAspire.Contracts;
using NutritionAspire.HealthApi.Calculator;

namespace NutritionAspire.HealthApi.OpenApi;

/// <summary>How <c>POST /calculator</c> appears in the OpenAPI document: its body, every answer and the worked example.</summary>
internal static class CalculatorOperation
{
    private const string ProblemJson = "application/problem+json";

    private static readonly Dictionary<string, string> s_responseDescriptions = new()
    {
        ["200"] = "The calculation.",
        ["400"] = "The body is not a valid request: not JSON, not UTF-8, or a field missing, of the wrong type or out of range.",
        ["413"] = $"The body is larger than {CalculatorEndpoints.MaxBodyBytes} bytes.",
        ["415"] = "The body is not application/json in UTF-8, or it has a Content-Encoding (none is decoded).",
        ["422"] = "The values are each in range but outside a formula's domain (for example a negative basal metabolic rate).",
        ["429"] = "This client address sent more requests than the rate limit allows; Retry-After says when to send again.",
        ["503"] = "A service behind the API failed or did not answer in time; Retry-After says when to ask again.",
    };

    public static RouteHandlerBuilder DescribeCalculatorOperation(this RouteHandlerBuilder endpoint) => endpoint
        .WithName("Calculate")
        .WithTags(HealthApiDocument.CalculatorTag)
        .WithSummary("Calculates IMC, basal metabolic rate and daily recommendations.")
        .WithDescription(
            "Property names match case-insensitively and unknown properties are ignored. The answer keeps the original's " +
            "spelling of recomendations.")
        .Produces<CalculatorResponse>()
        .Produces<InvalidRequestProblem>(StatusCodes.Status400BadRequest, ProblemJson)
        .Produces<RequestProblem>(StatusCodes.Status413PayloadTooLarge, ProblemJson)
        .Produces<RequestProblem>(StatusCodes.Status415UnsupportedMediaType, ProblemJson)
        .Produces<UnprocessableValuesProblem>(StatusCodes.Status422UnprocessableEntity, ProblemJson)
        .Produces<DependencyProblem>(StatusCodes.Status503ServiceUnavailable, ProblemJson)
        // Describes the body without Accepts<T>(), whose content-type routing would answer 415 with no problem body;
        // the media type it lists is the only one the endpoint takes.
        .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            await context.GetOrCreateSchemaAsync(typeof(HealthInfo), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The person to calculate for, as application/json in UTF-8 (charset utf-8 or none), without a Content-Encoding.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [CalculatorEndpoints.JsonMediaType] = new()
                    {
                        Schema = new OpenApiSchemaReference(nameof(HealthInfo), context.Document),
                        Example = JsonNode.Parse(WorkedExample.Request),
                    },
                },
            };
            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (response is OpenApiResponse described)
                {
                    described.Description = s_responseDescriptions[status];
                }
            }

            operation.Responses!["200"].Content!["application/json"].Example = JsonNode.Parse(WorkedExample.Response);
            if (operation.Responses["503"] is OpenApiResponse unavailable)
            {
                unavailable.Headers ??= new Dictionary<string, IOpenApiHeader>();
                unavailable.Headers[RateLimitDescription.RetryAfter] = new OpenApiHeader
                {
                    Description = "Seconds until the failing service is tried again (at least 1); a client that retries should wait this long.",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                };
            }
        });
}
