using System.Buffers;
using System.Text.Json;
using NutritionAspire.Contracts;

namespace NutritionAspire.HealthApi.Calculator;

/// <summary>The outcome of reading a <c>POST /calculator</c> body: a request, or the messages for each failing field.</summary>
public sealed record ParsedRequest(HealthInfo? Request, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Request is not null;
}

/// <summary>
/// Reads and validates a <c>POST /calculator</c> JSON body (contract §4). Property names match case-insensitively,
/// unknown properties are ignored, and every failing field is reported, in the contract's field order.
/// </summary>
public static class CalculatorRequestParser
{
    /// <summary>The JSON path used for errors about the body as a whole.</summary>
    public const string BodyKey = "$";

    private static readonly string[] s_genders = ["M", "F"];
    private static readonly string[] s_activities = [.. InputRules.ActivityFactors.Keys];

    public static ParsedRequest Parse(ReadOnlySequence<byte> body)
    {
        if (body.IsEmpty)
        {
            return Failure(BodyKey, "The request body is empty; send a JSON object.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            return Failure(BodyKey, $"The request body is not valid JSON: {exception.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Failure(BodyKey, "The request body must be a JSON object.");
            }

            var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value;
            }

            var errors = new Dictionary<string, string[]>();
            var age = ReadInteger(fields, "age", 1, 150, errors);
            var weight = ReadNumber(fields, "weight", 700, errors);
            var height = ReadNumber(fields, "height", 3, errors);
            var gender = ReadChoice(fields, "gender", s_genders, errors);
            var activity = ReadChoice(fields, "activity_intensity", s_activities, errors);

            return errors.Count > 0
                ? new ParsedRequest(null, errors)
                : new ParsedRequest(new HealthInfo((int)age, weight, height, gender!, activity!), errors);
        }
    }

    private static ParsedRequest Failure(string key, string message) => new(null, new Dictionary<string, string[]> { [key] = [message] });

    private static bool TryGetPresent(Dictionary<string, JsonElement> fields, string name, Dictionary<string, string[]> errors, out JsonElement value)
    {
        if (fields.TryGetValue(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        errors[name] = [$"{name} is required."];
        return false;
    }

    private static long ReadInteger(Dictionary<string, JsonElement> fields, string name, long min, long max, Dictionary<string, string[]> errors)
    {
        if (!TryGetPresent(fields, name, errors, out var value))
        {
            return 0;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            errors[name] = [$"{name} must be a whole number."];
        }
        else if (number < min || number > max)
        {
            errors[name] = [$"{name} must be between {min} and {max}."];
        }
        else
        {
            return number;
        }

        return 0;
    }

    private static double ReadNumber(Dictionary<string, JsonElement> fields, string name, double max, Dictionary<string, string[]> errors)
    {
        if (!TryGetPresent(fields, name, errors, out var value))
        {
            return 0;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            errors[name] = [$"{name} must be a number."];
        }
        else if (!value.TryGetDouble(out var number) || !double.IsFinite(number) || number <= 0 || number > max)
        {
            errors[name] = [$"{name} must be greater than 0 and at most {max}."];
        }
        else
        {
            return number;
        }

        return 0;
    }

    private static string? ReadChoice(Dictionary<string, JsonElement> fields, string name, string[] choices, Dictionary<string, string[]> errors)
    {
        if (!TryGetPresent(fields, name, errors, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[name] = [$"{name} must be a string."];
        }
        else if (value.GetString() is { } text && choices.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }
        else
        {
            errors[name] = [$"{name} must be one of: {string.Join(", ", choices)}."];
        }

        return null;
    }
}
