using System.ComponentModel;

namespace NutritionAspire.HealthApi.OpenApi;

// The problem bodies of POST /calculator as they are on the wire, for the OpenAPI document only: the bodies are written
// by ProblemDetails (CalculatorProblems), and the tests validate every one against these schemas.

/// <summary>400: the body is not a valid request.</summary>
internal sealed record InvalidRequestProblem(
    [property: Description("A link to the status code's definition.")] string Type,
    [property: Description("One or more validation errors occurred.")] string Title,
    [property: Description("400.")] int Status,
    [property: Description("The messages of every failing field, one per line, in field order.")] string Detail,
    [property: Description("The same lines as detail, as the original health-api named them.")] string Error,
    [property: Description("The messages by JSON field name; $ for the body as a whole (not JSON, not UTF-8, empty).")]
    IReadOnlyDictionary<string, string[]> Errors,
    [property: Description("The W3C trace context of the request.")] string TraceId);

/// <summary>422: each value is in range, but together they are outside a formula's domain (a negative basal rate).</summary>
internal sealed record UnprocessableValuesProblem(
    string Type,
    string Title,
    [property: Description("422.")] int Status,
    [property: Description("Which service could not compute the values, and why.")] string Detail,
    [property: Description("The same as detail.")] string Error,
    [property: Description("The request fields at fault, as the dependency named them (else every field the refused calculation used), each with detail.")]
    IReadOnlyDictionary<string, string[]> Errors,
    [property: Description("The service that refused the values.")] string Dependency,
    string TraceId);

/// <summary>413 or 415: the body is too large or not JSON.</summary>
internal sealed record RequestProblem(
    string Type,
    string Title,
    [property: Description("413 or 415.")] int Status,
    string Detail,
    [property: Description("The same as detail.")] string Error,
    string TraceId);

/// <summary>503: a service behind the API failed or did not answer in time.</summary>
internal sealed record DependencyProblem(
    string Type,
    string Title,
    [property: Description("503.")] int Status,
    [property: Description("What failed, in the API's words.")] string Detail,
    [property: Description("The gRPC status, as grpc-go prints it: rpc error: code = <code> desc = <service>: <what failed>.")] string Error,
    [property: Description("The original health-api's message for the failing service.")] string Message,
    [property: Description("The failing service.")] string Dependency,
    string TraceId);
