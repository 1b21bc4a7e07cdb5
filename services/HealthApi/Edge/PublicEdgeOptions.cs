using System.Globalization;
using System.Net;

namespace NutritionAspire.HealthApi.Edge;

/// <summary>
/// What stands between health-api and its public clients (the <c>PublicEdge</c> section): the proxies whose
/// <c>X-Forwarded-*</c> headers it believes, and whether the edge serves HTTPS.
/// </summary>
public sealed class PublicEdgeOptions
{
    public const string SectionName = "PublicEdge";

    /// <summary>
    /// The networks, in CIDR form, that the proxies in front of the API connect from (the Cilium ingress's Envoy).
    /// A request's <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are read only when its connection comes from one of
    /// them; from anyone else, and from everyone when this is empty (the default), they are ignored.
    /// </summary>
    public string[] TrustedNetworks { get; set; } = [];

    /// <summary>
    /// True when the public edge serves HTTPS only and ends TLS in front of the trusted proxies, which therefore cannot
    /// tell (the NLB of manifests/eks): every request they forward is HTTPS, whatever <c>X-Forwarded-Proto</c> says.
    /// </summary>
    public bool Https { get; set; }

    // Parsed by Read; a field, not a property, so the configuration binder does not look for it in the section.
    private IPNetwork[] _networks = [];

    /// <summary>
    /// Binds and validates the section while the service is being built, so an unknown key or an unusable value stops
    /// start-up at once with a message naming it.
    /// </summary>
    public static PublicEdgeOptions Read(IConfiguration configuration)
    {
        PublicEdgeOptions options;
        try
        {
            options = configuration.GetSection(SectionName).Get<PublicEdgeOptions>(binder => binder.ErrorOnUnknownConfiguration = true)
                ?? new PublicEdgeOptions();
        }
        catch (InvalidOperationException error)
        {
            throw new InvalidOperationException($"Invalid {SectionName} settings: {error.Message}", error);
        }

        var networks = new List<IPNetwork>();
        for (var index = 0; index < options.TrustedNetworks.Length; index++)
        {
            var text = options.TrustedNetworks[index];
            if (!text.Contains('/', StringComparison.Ordinal) || !IPNetwork.TryParse(text, out var network))
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{SectionName}:{nameof(TrustedNetworks)}:{index} must be a network in CIDR form such as 10.0.0.0/16, got '{text}'."));
            }

            networks.Add(network);
        }

        if (options.Https && networks.Count == 0)
        {
            throw new InvalidOperationException(
                $"{SectionName}:{nameof(Https)} says the proxies in front end TLS, but {SectionName}:{nameof(TrustedNetworks)} names none.");
        }

        options._networks = [.. networks];
        return options;
    }

    /// <summary>Whether a connection from <paramref name="address"/> comes from a trusted proxy.</summary>
    public bool IsTrusted(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(network => network.Contains(plain));
    }

    /// <summary>The trusted networks, parsed.</summary>
    public IReadOnlyList<IPNetwork> TrustedProxyNetworks() => _networks;
}
