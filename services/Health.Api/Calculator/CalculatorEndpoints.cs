using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.IO.Pipelines;
using Grpc.Core;
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
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, CalculatorJsonContext.Default));
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
        if (!IsJson(request.ContentType))
        {
            return CalculatorProblems.UnsupportedMediaType(request.ContentType);
        }

        byte[]? body;
        try
        {
            body = await ReadBodyAsync(request.BodyReader, request.ContentLength, cancellationToken);
        }
        catch (IOException exception)
        {
            // Kestrel's BadHttpRequestException, or a plain IOException for a chunk size that overflows.
            return CalculatorProblems.UnreadableBody(exception);
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
            return TypedResults.Json(response, CalculatorJsonContext.Default.CalculatorResponse);
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

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

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
