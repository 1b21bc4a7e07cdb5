using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>Adds a <see cref="KubernetesEnvironmentResource"/> and sets what the whole cluster shares.</summary>
public static class KubernetesEnvironmentExtensions
{
    /// <summary>
    /// Adds the Kubernetes environment every compute resource publishes to, and its <c>kubernetes-manifests</c> step.
    /// Its name is the <c>app.kubernetes.io/part-of</c> label of every object and the default namespace. Only a publish
    /// adds it to the model (with a parameter per <see cref="KubernetesSetting"/>); a run ignores it.
    /// </summary>
    public static IResourceBuilder<KubernetesEnvironmentResource> AddKubernetesEnvironment(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var environment = new KubernetesEnvironmentResource(name);
        if (!builder.ExecutionContext.IsPublishMode)
        {
            return builder.CreateResourceBuilder(environment);
        }

        if (builder.Resources.OfType<KubernetesEnvironmentResource>().FirstOrDefault() is { } existing)
        {
            throw new InvalidOperationException(
                $"The model already has Kubernetes environment '{existing.Name}'; the kubernetes-manifests step publishes to one.");
        }

        foreach (var setting in KubernetesSetting.All)
        {
            var parameter = builder.AddParameter(setting.ParameterName, new SettingDefault(setting.DefaultFor(name)))
                .WithDescription(setting.Description)
                // A setting of this step only: the Aspire manifest (and Aspirate, which reads it) has no use for it.
                .ExcludeFromManifest();
            environment.Add(setting, parameter.Resource);
        }

        // No dependency on process-parameters: that step prompts for (or waits on) parameters without a value, and this
        // one reads no parameter value it could wait for.
        builder.Pipeline.AddStep(KubernetesManifestsStep.StepName,
            context => KubernetesManifestsStep.RunAsync(environment, builder.AppHostDirectory, context), requiredBy: WellKnownPipelineSteps.Publish);
        return builder.AddResource(environment).ExcludeFromManifest();
    }

    /// <summary>The namespace every object goes to (parameter <c>namespace</c>; by default the environment's name).</summary>
    public static IResourceBuilder<KubernetesEnvironmentResource> WithNamespace(this IResourceBuilder<KubernetesEnvironmentResource> builder, string ns) =>
        builder.WithDefault(KubernetesSetting.Namespace, ns);

    /// <summary>The images of the projects: <c>&lt;registry&gt;/&lt;resource&gt;:&lt;tag&gt;</c> (parameters <c>image-registry</c>, <c>image-tag</c>).</summary>
    public static IResourceBuilder<KubernetesEnvironmentResource> WithImages(this IResourceBuilder<KubernetesEnvironmentResource> builder, string registry, string tag) =>
        builder.WithDefault(KubernetesSetting.ImageRegistry, registry).WithDefault(KubernetesSetting.ImageTag, tag);

    /// <summary>The host the ingress answers for the external HTTP endpoint (parameter <c>ingress-host</c>).</summary>
    public static IResourceBuilder<KubernetesEnvironmentResource> WithIngressHost(this IResourceBuilder<KubernetesEnvironmentResource> builder, string host) =>
        builder.WithDefault(KubernetesSetting.IngressHost, host);

    /// <summary>The default of any setting; <c>--Parameters:&lt;name&gt;=…</c> on the command line still wins.</summary>
    public static IResourceBuilder<KubernetesEnvironmentResource> WithDefault(
        this IResourceBuilder<KubernetesEnvironmentResource> builder, KubernetesSetting setting, string value)
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            builder.Resource.SetDefault(setting, value);
        }

        return builder;
    }

    /// <summary>Ships the Grafana dashboards (<c>*.json</c>) of a folder relative to the AppHost, for Grafana's sidecar.</summary>
    public static IResourceBuilder<KubernetesEnvironmentResource> WithGrafanaDashboards(
        this IResourceBuilder<KubernetesEnvironmentResource> builder, string folder, string grafanaFolder) =>
        builder.WithAnnotation(new GrafanaDashboardsAnnotation(folder, grafanaFolder));

    /// <summary>
    /// Ships the Prometheus rule files (<c>*.yml</c>) of a folder relative to the AppHost as PrometheusRules. Their
    /// expressions select the app's namespace by name, <paramref name="selectedNamespace"/>; publishing to another
    /// namespace fails rather than ship rules that select nothing.
    /// </summary>
    public static IResourceBuilder<KubernetesEnvironmentResource> WithPrometheusRules(
        this IResourceBuilder<KubernetesEnvironmentResource> builder, string folder, string selectedNamespace) =>
        builder.WithAnnotation(new PrometheusRulesAnnotation(folder, selectedNamespace));
}
