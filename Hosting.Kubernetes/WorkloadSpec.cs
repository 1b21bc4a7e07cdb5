using Aspire.Hosting.ApplicationModel;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>What runs: a .NET project (an image built from it) or a container (its image).</summary>
public enum WorkloadKind
{
    Project,
    Container,
}

/// <summary>
/// An endpoint of the model as a port of the pod and its Service. <see cref="CallerRules"/> are the L7 rules for the
/// resources that reference it (null: only the port, L4); <see cref="PublicRules"/> the same for the ingress.
/// </summary>
public sealed record PortSpec(
    string Name,
    int TargetPort,
    int ServicePort,
    string Protocol,
    string Scheme,
    string? AppProtocol,
    bool IsExternal,
    IReadOnlyList<CiliumHttpRule>? CallerRules,
    IReadOnlyList<CiliumHttpRule>? PublicRules);

/// <summary>A volume of the model: a PersistentVolumeClaim when it is named, an emptyDir when it is anonymous.</summary>
public sealed record VolumeSpec(string Name, string MountPath, bool ReadOnly, bool Persistent);

/// <summary>An HTTP probe of the model, with every timing it declares.</summary>
public sealed record ProbeSpec(
    ProbeType Type, string PortName, string Path, int InitialDelaySeconds, int PeriodSeconds, int TimeoutSeconds, int FailureThreshold, int SuccessThreshold);

/// <summary>A resource's use of an endpoint of another resource, found in the values it is given.</summary>
public sealed record EndpointUse(string Callee, string Endpoint);

/// <summary>What Prometheus scrapes, and where.</summary>
public sealed record ScrapeSpec(string PortName, string Path);

/// <summary>The configuration keys under which the resource reads the ingress's source networks and whether TLS ends before it.</summary>
public sealed record IngressEdgeKeys(string SourceNetworks, string Https);

/// <summary>
/// A value of the model as the cluster gets it: text, and references to Secret parameters whose values are never read
/// at publish (the pod reads them from a Secret).
/// </summary>
public sealed record ValueTemplate(IReadOnlyList<ValuePart> Parts)
{
    /// <summary>Whether the value holds no secret, so it may be written as it is.</summary>
    public bool IsPlain => Parts.All(part => part is TextPart);

    /// <summary>The whole value, for a plain one.</summary>
    public string PlainText => IsPlain
        ? string.Concat(Parts.Cast<TextPart>().Select(part => part.Text))
        : throw new InvalidOperationException("The value holds a secret.");
}

public abstract record ValuePart;

public sealed record TextPart(string Text) : ValuePart;

/// <summary>
/// The value of secret parameter <paramref name="Parameter"/>, as the pod reads it from the parameter's Secret:
/// <c>value</c>, or <c>uri</c> where the model URL-encodes it (the one form the pod cannot derive itself).
/// </summary>
public sealed record SecretPart(string Parameter, string Key = SecretPart.ValueKey) : ValuePart
{
    public const string ValueKey = "value";

    public const string UriKey = "uri";
}

/// <summary>Everything the manifests need to know of one compute resource of the model; a null image is built from source.</summary>
public sealed record WorkloadSpec(
    string Name,
    WorkloadKind Kind,
    string? Image,
    string ImagePullPolicy,
    string? Command,
    IReadOnlyList<ValueTemplate> Args,
    IReadOnlyDictionary<string, ValueTemplate> Environment,
    IReadOnlyList<PortSpec> Ports,
    IReadOnlyList<VolumeSpec> Volumes,
    IReadOnlyList<ProbeSpec> Probes,
    int Replicas,
    bool ExportsTelemetry,
    IReadOnlyList<EndpointUse> Uses,
    ScrapeSpec? Scrape,
    IReadOnlyList<Action<KubernetesWorkload>> Customizations)
{
    /// <summary>Where the resource behind the ingress reads what the cluster settings say of its public edge; null when it does not.</summary>
    public IngressEdgeKeys? IngressEdge { get; init; }

    public bool IsStateful => Volumes.Any(volume => volume.Persistent);

    public PortSpec Port(string name) => Ports.Single(port => port.Name == name);
}
