using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace NutritionAspire.ServiceDefaults;

/// <summary>Where a gRPC dependency is (docs/contract.md §5): an explicit variable, else Aspire service discovery.</summary>
public static partial class DependencyAddress
{
    /// <summary>Resolves a dependency address, or throws a message naming the setting.</summary>
    public static Uri Resolve(IConfiguration configuration, string resourceName, string addressVariable)
    {
        if (configuration[addressVariable] is { Length: > 0 } configured)
        {
            return Parse(configured, addressVariable);
        }

        var discoveryVariable = ServiceDiscoverySettings.GrpcVariable(resourceName);
        if (configuration[ServiceDiscoverySettings.GrpcKey(resourceName)] is { Length: > 0 } discovered)
        {
            return Parse(discovered, discoveryVariable);
        }

        throw new InvalidOperationException(
            $"No address for {resourceName}: set {addressVariable} (host:port or an http:// or https:// URL), " +
            $"or {discoveryVariable} as Aspire service discovery does.");
    }

    /// <summary>Accepts <c>host:port</c> (plaintext h2c, the original's form) or an <c>http://</c> or <c>https://</c> URL.</summary>
    public static Uri Parse(string value, string variable)
    {
        var trimmed = value.Trim();
        if (HostAndPort().Match(trimmed) is { Success: true } match
            && int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535)
        {
            return new Uri($"http://{trimmed}", UriKind.Absolute);
        }

        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.UserInfo.Length == 0)
        {
            return uri;
        }

        throw new InvalidOperationException(
            $"{variable} must be host:port or an http:// or https:// URL with no path, got '{value}'.");
    }

    [GeneratedRegex(@"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(?<port>[0-9]{1,5})$")]
    private static partial Regex HostAndPort();
}
