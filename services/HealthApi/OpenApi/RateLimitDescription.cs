using System.ComponentModel;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace NutritionAspire.HealthApi.OpenApi;

/// <summary>429: the client address sent more than the rate limit allows (Edge/ClientRateLimit).</summary>
internal sealed record TooManyRequestsProblem(
    string Type,
    string Title,
    [property: Description("429.")] int Status,
    [property: Description("The limit, and how many seconds to wait.")] string Detail,
    [property: Description("The same as detail.")] string Error,
    string TraceId);

/// <summary>How the rate limit appears in the OpenAPI document: the 429 answer, its body and its <c>Retry-After</c>.</summary>
internal static class RateLimitDescription
{
    public const string RetryAfter = "Retry-After";

    public static RouteHandlerBuilder DescribeRateLimit(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<TooManyRequestsProblem>(StatusCodes.Status429TooManyRequests, "application/problem+json")
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?["429"] is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[RetryAfter] = new OpenApiHeader
                {
                    Description = "Seconds to wait before this client address may send again.",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                };
            }

            return Task.CompletedTask;
        });
}
