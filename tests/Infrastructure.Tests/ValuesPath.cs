using System.Text;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>
/// A path into Helm values: keys joined by dots, a dot inside a key escaped as <c>\.</c> (Helm's <c>--set</c> form, and
/// the form of the key-path data), so annotation keys such as <c>service.beta.kubernetes.io/…</c> are one key.
/// </summary>
public static class ValuesPath
{
    public static IReadOnlyList<string> Split(string path)
    {
        var keys = new List<string>();
        var key = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 1 < path.Length && path[i + 1] == '.')
            {
                key.Append('.');
                i++;
            }
            else if (path[i] == '.')
            {
                keys.Add(key.ToString());
                key.Clear();
            }
            else
            {
                key.Append(path[i]);
            }
        }

        keys.Add(key.ToString());
        return keys;
    }

    public static string Join(IEnumerable<string> keys) => string.Join('.', keys.Select(key => key.Replace(".", "\\.", StringComparison.Ordinal)));
}
