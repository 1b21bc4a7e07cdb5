using System.Text;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>The pieces of HCL expressions the checks need, read from the parser's JSON form (<c>${…}</c> templates).</summary>
public static class HclText
{
    /// <summary>A template split into literal text and the expressions of its <c>${…}</c> interpolations.</summary>
    public static IEnumerable<(bool IsExpression, string Text)> Parts(string template)
    {
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '$' && i + 1 < template.Length && template[i + 1] == '{')
            {
                if (literal.Length > 0)
                {
                    yield return (false, literal.ToString());
                    literal.Clear();
                }

                var end = Closing(template, i + 1);
                yield return (true, template[(i + 2)..end].Trim());
                i = end;
            }
            else
            {
                literal.Append(template[i]);
            }
        }

        if (literal.Length > 0)
        {
            yield return (false, literal.ToString());
        }
    }

    /// <summary>A template whose interpolations are all variables, with their values; anything else is an error.</summary>
    public static string Evaluate(string template, IReadOnlyDictionary<string, string> variables) =>
        string.Concat(Parts(template).Select(part =>
            !part.IsExpression ? part.Text
            : part.Text.StartsWith("var.", StringComparison.Ordinal) && variables.TryGetValue(part.Text[4..], out var value) ? value
            : throw new InvalidOperationException($"Cannot evaluate ${{{part.Text}}} in \"{template}\" without a cloud: only variables are known.")));

    /// <summary>
    /// The key paths an HCL object constructor sets (<c>{ a = { b = x } }</c> gives <c>a.b</c>), read from the first
    /// <c>{</c> of <paramref name="expression"/>; values are skipped whatever they are.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> ObjectKeyPaths(string expression)
    {
        var paths = new List<IReadOnlyList<string>>();
        var start = expression.IndexOf('{', StringComparison.Ordinal);
        Assert.True(start >= 0, $"No object in {expression}");
        ReadObject(expression, start, [], paths);
        return paths;
    }

    private static int ReadObject(string text, int open, IReadOnlyList<string> parent, List<IReadOnlyList<string>> paths)
    {
        var i = open + 1;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ','))
            {
                i++;
            }

            if (text[i] == '}')
            {
                return i;
            }

            string key;
            if (text[i] == '"')
            {
                var close = StringEnd(text, i);
                key = text[(i + 1)..close];
                i = close + 1;
            }
            else
            {
                key = ReadWhile(text, ref i, c => char.IsLetterOrDigit(c) || c is '_' or '-');
                Assert.True(key.Length > 0, $"Unexpected '{text[i]}' in the object {text}");
            }

            while (char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            Assert.True(text[i] is '=' or ':', $"Expected = after {key} in {text}");
            i++;
            while (char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            IReadOnlyList<string> path = [.. parent, key];
            if (text[i] == '{')
            {
                i = ReadObject(text, i, path, paths) + 1;
            }
            else
            {
                paths.Add(path);
                i = ValueEnd(text, i);
            }
        }
    }

    private static string ReadWhile(string text, ref int i, Func<char, bool> accept)
    {
        var start = i;
        while (i < text.Length && accept(text[i]))
        {
            i++;
        }

        return text[start..i];
    }

    /// <summary>The index after a value: the next comma, newline or closing brace outside brackets and strings.</summary>
    private static int ValueEnd(string text, int i)
    {
        var depth = 0;
        for (; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '"':
                    i = StringEnd(text, i);
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']':
                    depth--;
                    break;
                case '}' when depth == 0:
                    return i;
                case '}':
                    depth--;
                    break;
                case ',' or '\n' when depth == 0:
                    return i;
            }
        }

        return i;
    }

    /// <summary>The index of the brace closing the one at <paramref name="open"/>, skipping strings.</summary>
    private static int Closing(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '"':
                    i = StringEnd(text, i);
                    break;
                case '{':
                    depth++;
                    break;
                case '}' when --depth == 0:
                    return i;
            }
        }

        throw new FormatException($"Unclosed interpolation in {text}");
    }

    /// <summary>The index of the quote closing the string that opens at <paramref name="quote"/>.</summary>
    private static int StringEnd(string text, int quote)
    {
        for (var i = quote + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                return i;
            }
        }

        throw new FormatException($"Unclosed string in {text}");
    }
}
