using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// A Kubernetes cluster the model publishes to, as a kustomize base (the <c>kubernetes-manifests</c> pipeline step).
/// Its name labels every object (<c>app.kubernetes.io/part-of</c>); its cluster settings are AppHost parameters
/// (<see cref="KubernetesSetting"/>). Every compute resource of the model is published to it.
/// </summary>
public sealed class KubernetesEnvironmentResource(string name) : Resource(name), IComputeEnvironmentResource
{
    private readonly Dictionary<KubernetesSetting, ParameterResource> _parameters = [];

    /// <summary>The parameter that carries <paramref name="setting"/>.</summary>
    public ParameterResource Parameter(KubernetesSetting setting) => _parameters[setting];

    internal void Add(KubernetesSetting setting, ParameterResource parameter) => _parameters.Add(setting, parameter);

    /// <summary>Sets the default of a setting's parameter (a value given on the command line still wins).</summary>
    internal void SetDefault(KubernetesSetting setting, string value) => ((SettingDefault)Parameter(setting).Default!).Value = value;
}

/// <summary>The default of a setting's parameter, which the AppHost may change after adding the environment.</summary>
internal sealed class SettingDefault(string value) : ParameterDefault
{
    public string Value { get; set; } = value;

    public override string GetDefaultValue() => Value;

    public override void WriteToManifest(ManifestPublishingContext context) => context.Writer.WriteString("value", Value);
}
