using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace NutritionAspire.HealthApi.Calculator;

/// <summary>The outcome of reading a <c>POST /calculator</c> body: a request, or the messages for each failing field.</summary>
public sealed record ParsedRequest(HealthInfo? Request, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Request is not null;
}

/// <summary>
/// Reads and validates a <c>POST /calculator</c> JSON body (docs/contract.md §4) in one pass over its bytes. Property names
/// match case-insensitively, unknown properties are ignored (the last of repeated ones wins), and every failing field is
/// reported, in the contract's field order. Bytes that are not UTF-8 and escapes that are not Unicode text are refused
/// with a message, never an exception.
/// </summary>
public static class CalculatorRequestParser
{
    /// <summary>The JSON path used for errors about the body as a whole.</summary>
    public const string BodyKey = "$";

    public const string Age = "age";
    public const string Weight = "weight";
    public const string Height = "height";
    public const string Gender = "gender";
    public const string ActivityIntensity = "activity_intensity";

    /// <summary>The fields in contract order, which is the order of the error messages.</summary>
    public static IReadOnlyList<string> Fields { get; } = [Age, Weight, Height, Gender, ActivityIntensity];

    private static readonly IReadOnlyDictionary<string, string[]> s_noErrors = new Dictionary<string, string[]>();

    public static ParsedRequest Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return Failure("The request body is empty; send a JSON object.");
        }

        if (!Utf8.IsValid(body))
        {
            return Failure("The request body is not valid UTF-8.");
        }

        Field<long> age = default;
        Field<double> weight = default, height = default;
        Field<string> gender = default, activity = default;
        var reader = new Utf8JsonReader(body);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                reader.Read();
                return Failure("The request body must be a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!TryMatchName(ref reader, out var field))
                {
                    return Failure("The request body has a property name that is not valid Unicode text.");
                }

                reader.Read();
                switch (field)
                {
                    case Age: age = ReadInteger(ref reader, Age, RequestRules.MinAge, RequestRules.MaxAge); break;
                    case Weight: weight = ReadNumber(ref reader, Weight, RequestRules.MinWeight, RequestRules.MaxWeight); break;
                    case Height: height = ReadNumber(ref reader, Height, RequestRules.MinHeight, RequestRules.MaxHeight); break;
                    case Gender: gender = ReadChoice(ref reader, Gender, RequestRules.Genders); break;
                    case ActivityIntensity: activity = ReadChoice(ref reader, ActivityIntensity, RequestRules.Activities); break;
                    default:
                        if (!TrySkipReadable(ref reader))
                        {
                            return Failure("The request body has a string that is not valid Unicode text.");
                        }

                        break;
                }
            }

            // Past the end of the object: throws if anything but white space follows it.
            reader.Read();
        }
        catch (JsonException exception)
        {
            // The reader's own message names its internals (LineNumber, BytePositionInLine): only the place is kept.
            return Failure(string.Create(CultureInfo.InvariantCulture,
                $"The request body is not valid JSON: it breaks off or has something unexpected at line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}."));
        }

        if (age.IsValid && weight.IsValid && height.IsValid && gender.IsValid && activity.IsValid)
        {
            return new ParsedRequest(new HealthInfo((int)age.Value, weight.Value, height.Value, gender.Value!, activity.Value!), s_noErrors);
        }

        var errors = new Dictionary<string, string[]>();
        age.AddError(Age, errors);
        weight.AddError(Weight, errors);
        height.AddError(Height, errors);
        gender.AddError(Gender, errors);
        activity.AddError(ActivityIntensity, errors);
        return new ParsedRequest(null, errors);
    }

    private static ParsedRequest Failure(string message) => new(null, new Dictionary<string, string[]> { [BodyKey] = [message] });

    /// <summary>Which field a property names (ASCII case-insensitively), or null for an unknown one; false if unreadable.</summary>
    private static bool TryMatchName(ref Utf8JsonReader reader, out string? field)
    {
        field = null;
        // Room for the longest field name with every character escaped (\uXXXX, 6 bytes each).
        Span<byte> unescaped = stackalloc byte[128];
        scoped ReadOnlySpan<byte> name = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            if (reader.ValueSpan.Length > unescaped.Length)
            {
                // Too long to be a field name, however escaped; it must still be readable text.
                return IsReadableText(ref reader);
            }

            try
            {
                name = unescaped[..reader.CopyString(unescaped)];
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        foreach (var candidate in Fields)
        {
            if (name.Length == candidate.Length && Ascii.EqualsIgnoreCase(name, candidate))
            {
                field = candidate;
                break;
            }
        }

        return true;
    }

    /// <summary>
    /// Skips the value of an unknown property, checking that its strings and property names are Unicode text (an
    /// escaped lone surrogate is not), as they are for the known ones; false if one is not.
    /// </summary>
    private static bool TrySkipReadable(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        while (true)
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && !IsReadableText(ref reader))
            {
                return false;
            }

            // Done at a value that opens nothing, or at the end of the object or array the value opened.
            if (reader.CurrentDepth == depth && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)
                || !reader.Read())
            {
                return true;
            }
        }
    }

    private static bool IsReadableText(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static Field<long> ReadInteger(ref Utf8JsonReader reader, string name, long min, long max)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return default;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var number))
        {
            reader.Skip();
            return Field<long>.Failed($"{name} must be a whole number.");
        }

        return number < min || number > max
            ? Field<long>.Failed(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}."))
            : new Field<long>(number, null);
    }

    private static Field<double> ReadNumber(ref Utf8JsonReader reader, string name, double min, double max)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return default;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return Field<double>.Failed($"{name} must be a number.");
        }

        return reader.TryGetDouble(out var number) && double.IsFinite(number) && number >= min && number <= max
            ? new Field<double>(number, null)
            : Field<double>.Failed(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}."));
    }

    private static Field<string> ReadChoice(ref Utf8JsonReader reader, string name, IReadOnlyList<string> choices)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return default;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return Field<string>.Failed($"{name} must be a string.");
        }

        foreach (var choice in choices)
        {
            if (TextEquals(ref reader, choice))
            {
                return new Field<string>(choice, null);
            }
        }

        return Field<string>.Failed($"{name} must be one of: {string.Join(", ", choices)}.");
    }

    /// <summary>Compares a string token with ASCII text; an escape that is not Unicode text (a lone surrogate) matches nothing.</summary>
    private static bool TextEquals(ref Utf8JsonReader reader, string text)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.Length == text.Length && Ascii.Equals(reader.ValueSpan, text);
        }

        try
        {
            return reader.ValueTextEquals(text);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A field as read: a value, or the message that refuses it; <c>default</c> is a field that was absent.</summary>
    private readonly record struct Field<T>(T? Value, string? Error)
    {
        private readonly bool _present = true;

        public bool IsValid => _present && Error is null;

        public static Field<T> Failed(string error) => new(default, error);

        public void AddError(string name, Dictionary<string, string[]> errors)
        {
            if (!IsValid)
            {
                errors[name] = [_present ? Error! : $"{name} is required."];
            }
        }
    }
}
