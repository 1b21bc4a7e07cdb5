using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.HealthApi.Calculator;

/// <summary>
/// The RFC 9457 problems <c>POST /calculator</c> answers with (docs/contract.md §4). Each carries an <c>error</c> string,
/// the member the original's clients read.
/// </summary>
public static class CalculatorProblems
{
    /// <summary>The original's wording for a failed dependency, which its clients may match on.</summary>
    public static IReadOnlyDictionary<string, string> DependencyMessages { get; } = new Dictionary<string, string>
    {
        [ResourceNames.BmrGrpc] = "Error to create gRPC Connection with BMR Service",
        [ResourceNames.ImcGrpc] = "Error to create gRPC Connection with IMC Service",
        [ResourceNames.RecommendationsGrpc] = "Error to create gRPC Connection with Recommendations Service",
    };

    /// <summary>
    /// For each dependency, its request fields and the body fields each is taken from (recommendations' <c>calories</c>
    /// is bmr's answer, so every field of the body).
    /// </summary>
    private static readonly DependencyFieldMap s_dependencyFields = new(new()
    {
        [ResourceNames.BmrGrpc] = new()
        {
            ["age"] = [CalculatorRequestParser.Age],
            ["weight"] = [CalculatorRequestParser.Weight],
            ["height"] = [CalculatorRequestParser.Height],
            ["gender"] = [CalculatorRequestParser.Gender],
            ["activity"] = [CalculatorRequestParser.ActivityIntensity],
        },
        [ResourceNames.ImcGrpc] = new()
        {
            ["weight"] = [CalculatorRequestParser.Weight],
            ["height"] = [CalculatorRequestParser.Height],
        },
        [ResourceNames.RecommendationsGrpc] = new()
        {
            ["weight"] = [CalculatorRequestParser.Weight],
            ["height"] = [CalculatorRequestParser.Height],
            ["calories"] = [.. CalculatorRequestParser.Fields],
        },
    });

    /// <summary>A refused answer's reason is shown up to this length: it quotes the number the dependency answered.</summary>
    private const int MaxDependencyDetail = 300;

    /// <summary>400: one line per failing field in <c>error</c>, in field order, and <c>errors</c> by field.</summary>
    public static ValidationProblem InvalidRequest(IReadOnlyDictionary<string, string[]> errors)
    {
        var lines = string.Join('\n', errors.Values.SelectMany(messages => messages));
        return TypedResults.ValidationProblem(errors, lines, extensions: new Dictionary<string, object?> { ["error"] = lines });
    }

    /// <summary>415 for a media type other than JSON; <paramref name="mediaType"/> is the parsed type, null when there is none.</summary>
    public static ProblemHttpResult UnsupportedMediaType(string? mediaType) => UnsupportedMediaTypeProblem(mediaType is null
        ? "The request body must be application/json; the request has no readable Content-Type."
        : $"The request body must be application/json, got '{Shorten(mediaType, 100)}'.");

    public static ProblemHttpResult UnsupportedCharset(string charset) => UnsupportedMediaTypeProblem(
        $"The request body must be application/json in UTF-8, got charset '{Shorten(charset, 40)}'.");

    public static ProblemHttpResult UnsupportedContentEncoding(string coding) => UnsupportedMediaTypeProblem(
        $"The request body must not be compressed or otherwise encoded, got Content-Encoding '{Shorten(coding, 40)}'.");

    public static ProblemHttpResult ContentTooLarge(long maxBytes) => Problem(
        StatusCodes.Status413PayloadTooLarge, "Content Too Large", $"The request body must be at most {maxBytes} bytes.");

    /// <summary>
    /// The body could not be read: Kestrel's status (413 past its own body limit, <paramref name="maxBytes"/>; 408 too
    /// slow), else 400 (malformed chunked encoding, cut short). The detail is ours: Kestrel's message names its
    /// internals and its settings.
    /// </summary>
    public static ProblemHttpResult UnreadableBody(IOException exception, long maxBytes) =>
        (exception as BadHttpRequestException)?.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => ContentTooLarge(maxBytes),
            StatusCodes.Status408RequestTimeout => Problem(StatusCodes.Status408RequestTimeout, "Request Timeout",
                "The request body arrived too slowly."),
            _ => Problem(StatusCodes.Status400BadRequest, "Unreadable Request Body",
                "The request body could not be read: its chunked encoding is malformed, or it ended before its announced length."),
        };

    /// <summary>
    /// 422: the values are each in range but outside what a formula can compute, as the dependency said (its
    /// INVALID_ARGUMENT) or as its answer showed. <c>errors</c> names the body fields behind the fields the dependency
    /// named, or, when it named none, every field that call was computed from; in the body's field order. The detail is
    /// ours: a dependency's own text may name the services behind it, so it is not passed on.
    /// </summary>
    public static ProblemHttpResult OutsideTheFormulas(DependencyFailedException failure)
    {
        var fields = s_dependencyFields.OwnFields(failure);
        var ordered = CalculatorRequestParser.Fields.Where(fields.Contains).ToList();
        var detail = failure.AnswerRefused
            ? $"The values are outside what {failure.Dependency} can compute: {Shorten(failure.Status.Detail, MaxDependencyDetail)}"
            : $"The values of {string.Join(", ", ordered)} are outside what {failure.Dependency} can compute.";
        var errors = ordered.ToDictionary(field => field, _ => new[] { detail });
        return TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "Values Outside The Formulas",
            Detail = detail,
            Extensions = { ["error"] = detail, ["dependency"] = failure.Dependency },
        });
    }

    /// <summary>
    /// 503: a dependency failed, passed its deadline, or is refused by its open circuit. <c>detail</c> says which and
    /// what, in our words; <c>error</c> keeps the shape of grpc-go's status string, which the original's clients read,
    /// with our summary naming only the dependency health-api called; <c>message</c> is the original's wording.
    /// Goes with a <c>Retry-After</c> header (<see cref="RetryAfterSeconds"/>).
    /// </summary>
    public static ProblemHttpResult DependencyFailed(DependencyFailedException failure) => TypedResults.Problem(
        Explain(failure),
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Service Unavailable",
        extensions: new Dictionary<string, object?>
        {
            ["error"] = $"rpc error: code = {failure.Status.StatusCode} desc = {failure.Summary}",
            ["message"] = DependencyMessages[failure.Dependency],
            ["dependency"] = failure.Dependency,
        });

    /// <summary>
    /// The seconds a client should wait before it asks again: until the dependency's circuit lets a trial call through,
    /// and at least 1 (a dependency that just failed is not asked again at once).
    /// </summary>
    public static int RetryAfterSeconds(DependencyFailedException failure) =>
        Math.Max(1, (int)Math.Ceiling((failure.CircuitOpenFor ?? TimeSpan.Zero).TotalSeconds));

    private static string Explain(DependencyFailedException failure) => failure.CircuitOpenFor is not null
        ? $"{failure.Dependency} failed repeatedly, so it is given a rest before it is called again; try again after the Retry-After seconds."
        : failure.Status.StatusCode switch
        {
            StatusCode.DeadlineExceeded => $"{failure.Dependency} did not answer within its deadline.",
            StatusCode.Unavailable => $"{failure.Dependency} is unavailable.",
            var code => $"{failure.Dependency} answered with an error ({code}).",
        };

    /// <summary>Whether the dependency refused the values rather than failed: INVALID_ARGUMENT is the client's data.</summary>
    public static bool IsRefusal(DependencyFailedException failure) => failure.Status.StatusCode == StatusCode.InvalidArgument;

    private static ProblemHttpResult UnsupportedMediaTypeProblem(string detail) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", detail);

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["error"] = detail });

    private static string Shorten(string? text, int maxLength) =>
        text is null || text.Length <= maxLength ? text ?? "" : string.Concat(text.AsSpan(0, maxLength), "…");
}
