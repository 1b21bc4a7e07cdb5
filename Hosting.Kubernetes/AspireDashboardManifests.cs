using k8s.Models;
using static NutritionAspire.Hosting.Kubernetes.KubernetesObjects;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>The Aspire dashboard in the cluster, so the traces of a local run are there too; reached by port-forward.</summary>
public static class AspireDashboardManifests
{
    public const string Name = "aspire-dashboard";
    public const int UiPort = 18888;
    public const int OtlpPort = 18889;

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
                        // Reached only through kubectl port-forward (the network policies admit nothing else to the UI).
                        new V1EnvVar { Name = "DASHBOARD__FRONTEND__AUTHMODE", Value = "Unsecured" },
                        new V1EnvVar { Name = "DASHBOARD__OTLP__AUTHMODE", Value = "Unsecured" },
                    ],
                    Resources = ContainerSizes.Dashboard.ToRequirements(),
                    StartupProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "http" }, PeriodSeconds = 2, FailureThreshold = 30 },
                    ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "otlp-grpc" }, PeriodSeconds = 10 },
                    LivenessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "http" }, PeriodSeconds = 20 },
                }),
            },
        },
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
