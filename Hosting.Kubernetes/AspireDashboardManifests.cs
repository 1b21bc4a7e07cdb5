using k8s.Models;
using static NutritionAspire.Hosting.Kubernetes.KubernetesObjects;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// The Aspire dashboard in the cluster, so the traces of a local run are there too; reached by port-forward. The browser
/// logs in with a token, and OTLP senders present an API key, each from a Secret the operator creates
/// (manifests/README.md): the output names the Secrets and never holds their values.
/// </summary>
public static class AspireDashboardManifests
{
    public const string Name = "aspire-dashboard";
    public const int UiPort = 18888;
    public const int OtlpPort = 18889;

    /// <summary>The Secret whose key <see cref="SecretKey"/> is the token the browser logs in with.</summary>
    public const string BrowserTokenSecret = "aspire-dashboard-browser-token";

    /// <summary>The Secret whose key <see cref="SecretKey"/> is the API key every OTLP sender presents; the dashboard and the senders read it.</summary>
    public const string OtlpApiKeySecret = "aspire-dashboard-otlp-api-key";

    /// <summary>The key of each Secret, as of the Secrets of secret parameters.</summary>
    public const string SecretKey = SecretPart.ValueKey;

    /// <summary>The dashboard's logger that writes, among its start-up lines, the login link with the browser token.</summary>
    public const string StartupLogCategory = "Aspire.Dashboard.DashboardWebApplication";

    /// <summary>The header the dashboard reads an OTLP sender's API key from.</summary>
    public const string OtlpApiKeyHeader = "x-otlp-api-key";

    /// <summary>The default OTLP endpoint of every resource that exports telemetry: this dashboard.</summary>
    public static string OtlpEndpoint { get; } = $"http://{Name}:{Invariant(OtlpPort)}";

    public static IReadOnlyList<(string File, object Object)> For(KubernetesSettings settings) =>
        [("deployment.yaml", Deployment(settings)), ("service.yaml", Service(settings))];

    private static V1Deployment Deployment(KubernetesSettings settings) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = Metadata(Name, Name, settings.Application),
        Spec = new V1DeploymentSpec
        {
            // Not autoscaled: telemetry lives in the dashboard's memory, and two copies would each hold half of it.
            Replicas = 1,
            RevisionHistoryLimit = 5,
            Selector = App(Name),
            Strategy = new V1DeploymentStrategy { Type = "Recreate" },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = Labels((AppLabel, Name)) },
                Spec = HardenedPod.For(Name, new V1Container
                {
                    Name = Name,
                    Image = WorkloadObjects.BuiltImage(Name, settings with { ImageTag = settings.DashboardImageTag }),
                    ImagePullPolicy = "IfNotPresent",
                    Ports =
                    [
                        new V1ContainerPort { Name = "http", ContainerPort = UiPort, Protocol = "TCP" },
                        new V1ContainerPort { Name = "otlp-grpc", ContainerPort = OtlpPort, Protocol = "TCP" },
                    ],
                    Env =
                    [
                        new V1EnvVar { Name = "ASPNETCORE_URLS", Value = $"http://0.0.0.0:{Invariant(UiPort)}" },
                        new V1EnvVar { Name = "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", Value = $"http://0.0.0.0:{Invariant(OtlpPort)}" },
                        // The names the dashboard image of dashboard-image-tag reads (Aspire.Dashboard's configuration).
                        new V1EnvVar { Name = "DASHBOARD__FRONTEND__AUTHMODE", Value = "BrowserToken" },
                        FromSecret("DASHBOARD__FRONTEND__BROWSERTOKEN", BrowserTokenSecret),
                        new V1EnvVar { Name = "DASHBOARD__OTLP__AUTHMODE", Value = "ApiKey" },
                        FromSecret("DASHBOARD__OTLP__PRIMARYAPIKEY", OtlpApiKeySecret),
                        // At Information the dashboard logs its login link, token included, and the pods' logs are shipped
                        // (Loki): only warnings and errors, such as a configuration it refuses, of that category.
                        new V1EnvVar { Name = $"Logging__LogLevel__{StartupLogCategory}", Value = "Warning" },
                    ],
                    Resources = ContainerSizes.Dashboard.ToRequirements(),
                    StartupProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "http" }, PeriodSeconds = 2, FailureThreshold = 30 },
                    ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "otlp-grpc" }, PeriodSeconds = 10 },
                    LivenessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "http" }, PeriodSeconds = 20 },
                }),
            },
        },
    };

    /// <summary>An env entry read from key <see cref="SecretKey"/> of <paramref name="secret"/>.</summary>
    public static V1EnvVar FromSecret(string name, string secret) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = SecretKey } },
    };

    private static V1Service Service(KubernetesSettings settings) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Metadata(Name, Name, settings.Application),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = Labels((AppLabel, Name)),
            Ports =
            [
                new V1ServicePort { Name = "http", Port = UiPort, TargetPort = "http", Protocol = "TCP", AppProtocol = "http" },
                new V1ServicePort { Name = "otlp-grpc", Port = OtlpPort, TargetPort = "otlp-grpc", Protocol = "TCP", AppProtocol = "kubernetes.io/h2c" },
            ],
        },
    };
}
