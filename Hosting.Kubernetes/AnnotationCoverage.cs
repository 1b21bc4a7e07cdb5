using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>How the publisher treats one kind of annotation of a compute resource.</summary>
public enum AnnotationTreatment
{
    /// <summary>Mapped to the objects (<see cref="AnnotationCoverage.Entry.Reason"/> says to what).</summary>
    Mapped,

    /// <summary>Meaningful to a local run or the AppHost only; the reason says why the cluster needs nothing of it.</summary>
    RunOnly,

    /// <summary>No Kubernetes equivalent: the step fails, naming the resource and the annotation.</summary>
    Refused,
}

/// <summary>
/// Every annotation type a compute resource may carry, and what the publisher does with it. An annotation of a type
/// not listed here (nor derived from one) fails the step, so nothing the model says is dropped without a word.
/// </summary>
public static class AnnotationCoverage
{
    public sealed record Entry(AnnotationTreatment Treatment, string Reason);

    private static readonly Dictionary<Type, Entry> s_byType = new()
    {
        [typeof(EndpointAnnotation)] = Mapped("a port of the container and its Service; an external one the Ingress"),
        [typeof(ContainerImageAnnotation)] = Mapped("the container image"),
        [typeof(ContainerImagePullPolicyAnnotation)] = Mapped("imagePullPolicy"),
        [typeof(EnvironmentCallbackAnnotation)] = Mapped("the ConfigMap the container reads, or env entries for values with secrets"),
        [typeof(CommandLineArgsCallbackAnnotation)] = Mapped("the container's args"),
        [typeof(ContainerMountAnnotation)] = Mapped("a named volume becomes a PersistentVolumeClaim, an anonymous one an emptyDir; a bind mount is refused"),
        [typeof(ProbeAnnotation)] = Mapped("the startup, readiness or liveness probe, with all its timings"),
        [typeof(ReplicaAnnotation)] = Mapped("one replica: the Deployment's; more: the autoscaler's minimum"),
        [typeof(OtlpExporterAnnotation)] = Mapped("the OTEL_EXPORTER_OTLP_* settings and the egress to the OTLP endpoint"),
        [typeof(EndpointReferenceAnnotation)] = Mapped("through the service-discovery values it adds, which become settings and network policies"),
        [typeof(DockerfileBuildAnnotation)] = Mapped("the image is <image-registry>/<resource>:<image-tag>, built and pushed outside the step"),
        [typeof(ManifestPublishingCallbackAnnotation)] = Mapped("ExcludeFromManifest leaves the resource out; otherwise it only writes the Aspire manifest"),
        [typeof(GrpcServicesAnnotation)] = Mapped("the L7 rules of the callers of the HTTP/2 endpoint"),
        [typeof(HttpRoutesAnnotation)] = Mapped("the L7 rules of the callers of the endpoint"),
        [typeof(PublicRoutesAnnotation)] = Mapped("the L7 rules of the ingress"),
        [typeof(PrometheusScrapeAnnotation)] = Mapped("a ServiceMonitor and the policy admitting Prometheus"),
        [typeof(KubernetesCustomizationAnnotation)] = Mapped("runs on the generated objects"),
        [typeof(IngressEdgeAnnotation)] = Mapped("settings in the ConfigMap from parameters ingress-source-networks and tls-before-ingress"),
        [typeof(DisableForwardedHeadersAnnotation)] = Mapped("Aspire's publish-mode environment of the project leaves out ASPNETCORE_FORWARDEDHEADERS_ENABLED"),

        [typeof(ResourceSnapshotAnnotation)] = RunOnly("the dashboard's view of the resource"),
        [typeof(ResourceIconAnnotation)] = RunOnly("the dashboard's icon"),
        [typeof(ResourceCommandAnnotation)] = RunOnly("a dashboard command"),
        [typeof(ResourceUrlAnnotation)] = RunOnly("a dashboard link"),
        [typeof(ResourceUrlsCallbackAnnotation)] = RunOnly("dashboard links"),
        [typeof(HealthCheckAnnotation)] = RunOnly("the AppHost's own health check; the cluster's are the probes"),
        [typeof(WaitAnnotation)] = RunOnly("start order of a local run; pods start together and readiness gates their traffic"),
        [typeof(ResourceRelationshipAnnotation)] = RunOnly("the dashboard's graph; the references are read from the values they add"),
        [typeof(ExplicitStartupAnnotation)] = RunOnly("a local run starts the resource on request"),
        [typeof(ContainerLifetimeAnnotation)] = RunOnly("whether a local container outlives the AppHost"),
        [typeof(ContainerNameAnnotation)] = RunOnly("the local container's name"),
        [typeof(LaunchProfileAnnotation)] = RunOnly("launchSettings.json, read by local runs"),
        [typeof(ExcludeLaunchProfileAnnotation)] = RunOnly("launchSettings.json, read by local runs"),
        [typeof(ProjectLaunchArgsOverrideAnnotation)] = RunOnly("how a local run starts the program"),
        [typeof(CertificateTrustConfigurationCallbackAnnotation)] = RunOnly("trust of the local development certificate"),
        [typeof(HttpsCertificateConfigurationCallbackAnnotation)] = RunOnly("the local development certificate; the ingress terminates TLS"),
        [typeof(ContainerBuildOptionsCallbackAnnotation)] = RunOnly("the image build, done outside this step"),
        [typeof(PipelineStepAnnotation)] = RunOnly("steps of Aspire's own build and deploy pipeline"),
        [typeof(PipelineConfigurationAnnotation)] = RunOnly("steps of Aspire's own build and deploy pipeline"),
        [typeof(DeploymentTargetAnnotation)] = RunOnly("another compute environment's deployment of the resource"),

        [typeof(ContainerRuntimeArgsCallbackAnnotation)] = Refused(
            "arguments of the local container runtime have no pod equivalent; change the pod with PublishAsKubernetesService"),
    };

    /// <summary>Types Aspire keeps internal, by full name, and what they are.</summary>
    private static readonly Dictionary<string, Entry> s_byName = new(StringComparer.Ordinal)
    {
        ["Aspire.Hosting.ApplicationModel.PersistenceAnnotation"] = RunOnly("whether a local container outlives the AppHost"),
        ["Aspire.Hosting.ApplicationModel.DefaultLaunchProfileAnnotation"] = RunOnly("the launch profile a local run uses"),
        ["Aspire.Hosting.ApplicationModel.ProjectLaunchDefaultsAnnotation"] = RunOnly("the launch profile's endpoints of a local run"),
        ["Aspire.Hosting.RedisBuilderExtensions+PersistenceAnnotation"] = Mapped("through the redis-server arguments it adds"),
        ["Aspire.Hosting.ApplicationModel.ComputeEnvironmentAnnotation"] = Mapped("a resource bound to another compute environment is left to it"),
        ["Aspire.Hosting.ApplicationModel.ExecutableLaunchRecipeAnnotation"] = RunOnly("how a local run starts the program"),
        ["Aspire.Hosting.ApplicationModel.DotnetProgramPublishingAnnotation"] = RunOnly("the image build, done outside this step (manifests/README.md)"),
        ["Aspire.Hosting.ApplicationModel.DcpInstancesAnnotation"] = RunOnly("the local run's processes"),
    };

    /// <summary>What the publisher does with <paramref name="annotation"/>, or null for a type it does not know.</summary>
    public static Entry? Of(IResourceAnnotation annotation)
    {
        // ProjectMetadata (the project's path) is how the image is built, outside this step.
        if (annotation is IProjectMetadata)
        {
            return RunOnly("the project's path, from which the image is built outside this step");
        }

        for (var type = annotation.GetType(); type is not null; type = type.BaseType)
        {
            if (s_byType.TryGetValue(type, out var entry) || type.FullName is { } name && s_byName.TryGetValue(name, out entry))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Throws for the first annotation of <paramref name="resource"/> that is refused or unknown.</summary>
    internal static void Check(IResource resource)
    {
        foreach (var annotation in resource.Annotations)
        {
            var entry = Of(annotation);
            if (entry is null)
            {
                throw Unmappable.Setting(resource, annotation.GetType().FullName ?? annotation.GetType().Name,
                    "an annotation the Kubernetes publisher does not know, so it cannot say it is mapped; exclude the resource (ExcludeFromManifest) or add it only in run mode");
            }

            if (entry.Treatment == AnnotationTreatment.Refused)
            {
                throw Unmappable.Setting(resource, annotation.GetType().Name, entry.Reason);
            }
        }
    }

    private static Entry Mapped(string reason) => new(AnnotationTreatment.Mapped, reason);

    private static Entry RunOnly(string reason) => new(AnnotationTreatment.RunOnly, reason);

    private static Entry Refused(string reason) => new(AnnotationTreatment.Refused, reason);
}

/// <summary>The one shape of every refusal: the resource, the setting, and why.</summary>
internal static class Unmappable
{
    public static InvalidOperationException Setting(IResource resource, string setting, string why) =>
        new($"Resource '{resource.Name}': {setting} cannot be published to Kubernetes: {why}.");

    public static InvalidOperationException Setting(string resource, string setting, string why) =>
        new($"Resource '{resource}': {setting} cannot be published to Kubernetes: {why}.");
}
