using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// The environment <c>aspirate generate</c> gives a project of an Aspire manifest: its placeholders resolved by
/// Aspirate's rules (a binding named <c>http</c> becomes <c>http://host:targetPort</c>, <c>https</c> becomes empty and
/// is dropped, any other binding a bare <c>host:targetPort</c>), the dashboard's OTLP variables, and
/// <c>ASPNETCORE_URLS=http://+:8080;</c> appended.
/// </summary>
public static partial class AspirateEnvironment
{
    public static SortedDictionary<string, string> For(JsonObject manifest, string resource)
    {
        var resources = manifest["resources"]!.AsObject();
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in resources[resource]!["env"]?.AsObject() ?? [])
        {
            var resolved = Placeholder().Replace(value!.GetValue<string>(), match => Resolve(resources, match.Groups["expression"].Value));
            if (resolved.Length > 0)
            {
                environment[key] = resolved;
            }
        }

        environment.TryAdd("OTEL_EXPORTER_OTLP_ENDPOINT", "http://aspire-dashboard:18889");
        environment.TryAdd("OTEL_SERVICE_NAME", resource);
        environment["ASPNETCORE_URLS"] = "http://+:8080;";
        return environment;
    }

    private static string Resolve(JsonObject resources, string expression)
    {
        var parts = expression.Split('.');
        if (parts is not [var name, "bindings", var binding, var property])
        {
            throw new InvalidOperationException($"No Aspirate rule for the placeholder {{{expression}}}.");
        }

        var targetPort = resources[name]!["bindings"]![binding]!["targetPort"]?.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
        return property switch
        {
            "url" when binding == "http" => $"http://{name}:{targetPort}",
            "url" when binding == "https" => "",
            "url" => $"{name}:{targetPort}",
            "targetPort" or "port" => targetPort,
            "host" => name,
            "scheme" => "http",
            _ => throw new InvalidOperationException($"No Aspirate rule for the placeholder {{{expression}}}."),
        };
    }

    [GeneratedRegex(@"\{(?<expression>[A-Za-z0-9.-]+)\}")]
    private static partial Regex Placeholder();
}
