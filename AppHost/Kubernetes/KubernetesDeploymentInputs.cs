using Aspire.Hosting.Publishing;
using Microsoft.Extensions.Configuration;

namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>
/// What a cluster deployment takes from whoever deploys it, as AppHost parameters with defaults, resolved the way
/// Aspire resolves any deployment input before the step runs: from <c>Parameters:&lt;name&gt;</c> (command line,
/// environment, user secrets, a prompt, or the values <c>aspire do</c> remembers per environment), else the default.
/// A <c>Kubernetes:</c> option of the same meaning, given on this run, wins over the parameter.
/// </summary>
public sealed record KubernetesDeploymentInputs(
    IResourceBuilder<ParameterResource> ImageRegistry,
    IResourceBuilder<ParameterResource> ImageTag,
    IResourceBuilder<ParameterResource> IngressHost)
{
    public const string ImageRegistryParameter = "image-registry";
    public const string ImageTagParameter = "image-tag";
    public const string IngressHostParameter = "ingress-host";

    private static readonly Dictionary<string, string> s_parameterByOption = new(StringComparer.Ordinal)
    {
        [nameof(KubernetesManifestOptions.ImageRegistry)] = ImageRegistryParameter,
        [nameof(KubernetesManifestOptions.ImageTag)] = ImageTagParameter,
        [nameof(KubernetesManifestOptions.IngressHost)] = IngressHostParameter,
    };

    /// <summary>The parameter that also sets <paramref name="option"/> of <see cref="KubernetesManifestOptions"/>, if any.</summary>
    public static string? ParameterFor(string option) => s_parameterByOption.GetValueOrDefault(option);

    public static KubernetesDeploymentInputs Add(IDistributedApplicationBuilder builder)
    {
        var defaults = new KubernetesManifestOptions();
        return new(
            Add(builder, nameof(KubernetesManifestOptions.ImageRegistry), defaults.ImageRegistry,
                "Registry and path the cluster pulls the images from, such as an ECR registry: images are <registry>/<resource>:<tag>."),
            Add(builder, nameof(KubernetesManifestOptions.ImageTag), defaults.ImageTag, "Tag of the service images."),
            Add(builder, nameof(KubernetesManifestOptions.IngressHost), defaults.IngressHost,
                "Public host name the Cilium ingress answers for health-api."));
    }

    /// <summary>The <c>Kubernetes</c> options of <paramref name="configuration"/>, with the values of the three inputs.</summary>
    public async Task<KubernetesManifestOptions> ResolveAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var options = KubernetesManifestOptions.From(configuration) with
        {
            ImageRegistry = await ValueAsync(configuration, nameof(KubernetesManifestOptions.ImageRegistry), ImageRegistry, cancellationToken),
            ImageTag = await ValueAsync(configuration, nameof(KubernetesManifestOptions.ImageTag), ImageTag, cancellationToken),
            IngressHost = await ValueAsync(configuration, nameof(KubernetesManifestOptions.IngressHost), IngressHost, cancellationToken),
        };
        options.Validate();
        return options;
    }

    private static IResourceBuilder<ParameterResource> Add(IDistributedApplicationBuilder builder, string option, string defaultValue, string description) =>
        builder.AddParameter(s_parameterByOption[option], new DefaultValue(defaultValue))
            .WithDescription(description)
            // An input of this step only: Aspirate reads the Aspire manifest and has options of its own for these.
            .ExcludeFromManifest();

    private static async Task<string> ValueAsync(
        IConfiguration configuration, string option, IResourceBuilder<ParameterResource> parameter, CancellationToken cancellationToken) =>
        configuration[$"{KubernetesManifestOptions.SectionName}:{option}"]
            ?? await parameter.Resource.GetValueAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Parameter {parameter.Resource.Name} has no value.");

    private sealed class DefaultValue(string value) : ParameterDefault
    {
        public override string GetDefaultValue() => value;

        public override void WriteToManifest(ManifestPublishingContext context) => context.Writer.WriteString("value", value);
    }
}
