using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.IO.Pipelines;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using NutritionAspire.HealthApi.Edge;
using NutritionAspire.HealthApi.OpenApi;
using NutritionAspire.Contracts.Bmr;
using NutritionAspire.Contracts.Imc;
using NutritionAspire.Contracts.Recommendations;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.HealthApi.Calculator;

public static class CalculatorEndpoints
{
    /// <summary>The largest accepted <c>POST /calculator</c> body.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>The one media type <c>POST /calculator</c> accepts.</summary>
    public const string JsonMediaType = "application/json";

    public static WebApplicationBuilder AddCalculator(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CalculatorOptions>()
            .BindConfiguration(CalculatorOptions.SectionName)
            .Validate(options => options.RequestTimeout > TimeSpan.Zero, "Calculator:RequestTimeout must be positive.")
            .ValidateOnStart();
        builder.AddGrpcDependency(ResourceNames.BmrGrpc, "BMR_SERVICE_ENDPOINT", channel => new BMRService.BMRServiceClient(channel));
        builder.AddGrpcDependency(ResourceNames.ImcGrpc, "IMC_SERVICE_ENDPOINT", channel => new IMCService.IMCServiceClient(channel));
        builder.AddGrpcDependency(ResourceNames.RecommendationsGrpc, "RECOMMENDATIONS_SERVICE_ENDPOINT",
            channel => new RecomendationsService.RecomendationsServiceClient(channel));
        builder.Services.AddSingleton<NutritionCalculator>();
        builder.Services.AddSingleton<CalculationMetrics>();
        builder.AddHttpWarmUp(async (client, cancellationToken) =>
        {
            using var body = new StringContent(Contracts.WorkedExample.Request, System.Text.Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(Contracts.WorkedExample.Path, body, cancellationToken);
            response.EnsureSuccessStatusCode();
        });
        return builder;
    }

    public static WebApplication MapCalculator(this WebApplication app)
    {
        app.MapPost("/calculator", CalculateAsync).DescribeCalculatorOperation().RequireClientRateLimit();
        return app;
    }

    private static async Task<IResult> CalculateAsync(
        HttpRequest request, NutritionCalculator calculator, CalculationMetrics metrics, CancellationToken cancellationToken)
    {
        if (RefuseContent(request) is { } unsupported)
        {
            return unsupported;
        }

        byte[]? body;
        try
        {
            body = await ReadBodyAsync(request.BodyReader, request.ContentLength, cancellationToken);
        }
        catch (IOException exception)
        {
            // Kestrel's BadHttpRequestException, or a plain IOException for a chunk size that overflows.
            return CalculatorProblems.UnreadableBody(exception, BodyLimit(request.HttpContext));
        }

        if (body is null)
        {
            return CalculatorProblems.ContentTooLarge(MaxBodyBytes);
        }

        var parsed = CalculatorRequestParser.Parse(body);
        if (parsed.Request is not { } info)
        {
            return CalculatorProblems.InvalidRequest(parsed.Errors);
        }

        TagRequestSpan(info);
        try
        {
            var response = await calculator.CalculateAsync(info, cancellationToken);
            metrics.Calculated(info);
            return TypedResults.Json(response, HealthApiJsonContext.Default.CalculatorResponse);
        }
        catch (DependencyFailedException failure) when (CalculatorProblems.IsRefusal(failure))
        {
            return CalculatorProblems.OutsideTheFormulas(failure);
        }
        catch (DependencyFailedException failure)
        {
            request.HttpContext.Response.Headers.RetryAfter = CalculatorProblems.RetryAfterSeconds(failure).ToString(CultureInfo.InvariantCulture);
            return CalculatorProblems.DependencyFailed(failure);
        }
        catch (RpcException exception) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away and its calls were cancelled: nothing to answer, and no error of ours.
            throw new OperationCanceledException("The client aborted the request.", exception, cancellationToken);
        }
    }

    /// <summary>
    /// 415 unless the body is <c>application/json</c> (the one media type the OpenAPI document lists), in UTF-8 (no
    /// charset, or <c>utf-8</c>), with no content coding (none, or <c>identity</c>): health-api decodes nothing else,
    /// and reading another charset or a compressed body as UTF-8 would misread it.
    /// </summary>
    private static ProblemHttpResult? RefuseContent(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
        {
            return CalculatorProblems.UnsupportedMediaType(null);
        }

        if (!mediaType.MediaType.Equals(JsonMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return CalculatorProblems.UnsupportedMediaType(mediaType.MediaType.Value);
        }

        if (mediaType.Charset.HasValue && HeaderUtilities.RemoveQuotes(mediaType.Charset) is var charset
            && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return CalculatorProblems.UnsupportedCharset(charset.Value ?? "");
        }

        foreach (var codings in request.Headers.ContentEncoding)
        {
            foreach (var coding in (codings ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return CalculatorProblems.UnsupportedContentEncoding(coding);
                }
            }
        }

        return null;
    }

    /// <summary>The smaller of this endpoint's limit and Kestrel's own (<c>Kestrel:Limits:MaxRequestBodySize</c>, 30 MB by default).</summary>
    private static long BodyLimit(HttpContext context) =>
        Math.Min(MaxBodyBytes, context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? long.MaxValue);

    /// <summary>Reads the whole body, or returns null as soon as it is known to exceed <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(PipeReader reader, long? contentLength, CancellationToken cancellationToken)
    {
        if (contentLength > MaxBodyBytes)
        {
            return null;
        }

        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.Buffer.Length > MaxBodyBytes)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var body = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return body;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>The request attributes of docs/contract.md §6, on the server span of the request.</summary>
    private static void TagRequestSpan(HealthInfo info) =>
        Activity.Current?
            .SetTag("request.gender", info.Gender)
            .SetTag("request.weight", info.Weight)
            .SetTag("request.height", info.Height)
            .SetTag("request.activity_intensity", info.ActivityIntensity)
            .SetTag("request.age", info.Age);
}

/// <summary><c>nutrition_calculations_total</c>: successful calculations by gender and activity.</summary>
public sealed class CalculationMetrics(IMeterFactory meterFactory)
{
    private readonly Counter<long> _calculations = meterFactory.Create(NutritionTelemetry.MeterName)
        .CreateCounter<long>("nutrition.calculations", description: "Successful POST /calculator answers.");

    public void Calculated(HealthInfo info) =>
        _calculations.Add(1,
            new KeyValuePair<string, object?>("gender", info.Gender),
            new KeyValuePair<string, object?>("activity", info.ActivityIntensity));
}
