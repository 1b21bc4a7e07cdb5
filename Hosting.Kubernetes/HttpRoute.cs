using System.Text;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// An HTTP route a resource serves: a method and a literal path, or every path under a literal prefix. The network
/// policies admit it as a Cilium L7 rule (<see cref="CiliumPath"/>).
/// </summary>
public sealed record HttpRoute(string Method, string Path, bool IsPrefix = false)
{
    public static HttpRoute Get(string path) => new("GET", path);

    public static HttpRoute Post(string path) => new("POST", path);

    /// <summary>GET on <paramref name="prefix"/> and every path that starts with it.</summary>
    public static HttpRoute GetUnder(string prefix) => new("GET", prefix, IsPrefix: true);

    /// <summary>
    /// The route as the <c>path</c> of a Cilium HTTP rule. Cilium matches it as a whole-string RE2 regex against the
    /// request's <c>:path</c>, which carries the query string too: the literal path is escaped, an exact route admits
    /// an optional <c>?query</c> after it, and a prefix admits anything after it (a query string included).
    /// </summary>
    public string CiliumPath => IsPrefix ? $"{EscapeRegex(Path)}.*" : $@"{EscapeRegex(Path)}(\?.*)?";

    /// <summary>Escapes every RE2 metacharacter, so <c>/bmr.BMRService/SayHello</c> matches only itself.</summary>
    public static string EscapeRegex(string literal)
    {
        var escaped = new StringBuilder(literal.Length + 8);
        foreach (var character in literal)
        {
            if (@"\.+*?()|[]{}^$".Contains(character, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(character);
        }

        return escaped.ToString();
    }
}
