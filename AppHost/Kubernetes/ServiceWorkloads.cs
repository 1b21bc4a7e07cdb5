using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using static NutritionAspire.AppHost.Kubernetes.KubernetesObjects;

namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>
/// The objects of one service of the model: a hardened Deployment scaled by a HorizontalPodAutoscaler and guarded by a
/// PodDisruptionBudget, its Service, ConfigMap and ServiceMonitor, and an Ingress when the service is external.
/// </summary>
public static class ServiceWorkloads
{
    /// <summary>How far the autoscaler may scale a service out, as a multiple of its replicas in the model.</summary>
    private const int MaxReplicasPerModelReplica = 5;

    /// <summary>The objects of <paramref name="service"/> by file name, in the order they are listed.</summary>
    public static IReadOnlyList<(string File, object Object)> For(
        ServiceSpec service, IReadOnlyList<ServiceSpec> services, KubernetesManifestOptions options)
    {
        var configMap = ConfigMap(service, services, options);
        List<(string File, object Object)> objects =
        [
            ("configmap.yaml", configMap),
            ("deployment.yaml", Deployment(service, options, Checksum(KustomizeTree.Yaml(configMap)))),
            ("service.yaml", Service(service)),
            ("pdb.yaml", PodDisruptionBudget(service)),
            ("hpa.yaml", HorizontalPodAutoscaler(service)),
            ("servicemonitor.yaml", ServiceMonitor(service)),
        ];
        if (service.IsExternal)
        {
            objects.Add(("ingress.yaml", Ingress(service, options)));
        }

        return objects;
    }

    private static V1ConfigMap ConfigMap(ServiceSpec service, IReadOnlyList<ServiceSpec> services, KubernetesManifestOptions options)
    {
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = options.OtlpEndpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_SERVICE_NAME"] = service.Name,
        };
        foreach (var reference in service.References)
        {
            var port = services.Single(s => s.Name == reference).Grpc!.Port;
            data[ServiceDiscoverySettings.GrpcVariable(reference)] = $"http://{reference}:{Invariant(port)}";
        }

        if (service.IsExternal)
        {
            // The Cilium ingress forwards the client's address and scheme in X-Forwarded-* headers.
            data["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
        }

        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = Metadata($"{service.Name}-env", service.Name),
            Data = data,
        };
    }

    /// <summary>
    /// No <c>spec.replicas</c>: the HorizontalPodAutoscaler owns the count, and a value here would reset a scaled-out
    /// Deployment on every <c>kubectl apply</c>.
    /// </summary>
    private static V1Deployment Deployment(ServiceSpec service, KubernetesManifestOptions options, string configChecksum) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = Metadata(service.Name, service.Name),
        Spec = new V1DeploymentSpec
        {
            RevisionHistoryLimit = 5,
            Selector = App(service.Name),
            Strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = 0 },
            },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta
                {
                    Labels = ServiceLabels(service.Name),
                    // Changing the ConfigMap changes this hash, so the pods roll.
                    Annotations = Labels(("checksum/config", configChecksum)),
                },
                Spec = HardenedPod.For(service.Name, new V1Container
                {
                    Name = service.Name,
                    Image = $"{options.ImageRegistry}/{service.Name}:{options.ImageTag}",
                    ImagePullPolicy = "IfNotPresent",
                    Ports = [.. service.Ports.Select(port => new V1ContainerPort { Name = port.Name, ContainerPort = port.Port, Protocol = "TCP" })],
                    EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = $"{service.Name}-env" } }],
                    Resources = ContainerSizes.Service.ToRequirements(),
                    StartupProbe = Probe(service.Startup, periodSeconds: 2, failureThreshold: 30),
                    ReadinessProbe = Probe(service.Readiness, periodSeconds: 5, failureThreshold: 3),
                    LivenessProbe = Probe(service.Liveness, periodSeconds: 10, failureThreshold: 3),
                }),
            },
        },
    };

    private static V1Probe Probe(ProbeSpec probe, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = probe.Path, Port = probe.PortName },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 2,
        FailureThreshold = failureThreshold,
    };

    private static V1Service Service(ServiceSpec service) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta
        {
            Name = service.Name,
            Labels = ServiceLabels(service.Name),
            // Cilium's Envoy balances each gRPC request rather than each long-lived HTTP/2 connection.
            Annotations = service.Grpc is null ? null : Labels(("service.cilium.io/lb-l7", "enabled")),
        },
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = Labels((AppLabel, service.Name)),
            Ports = [.. service.Ports.Select(port => new V1ServicePort
            {
                Name = port.Name,
                Port = port.Port,
                TargetPort = port.Name,
                Protocol = "TCP",
                AppProtocol = port.IsGrpc ? "kubernetes.io/h2c" : "http",
            })],
        },
    };

    /// <summary>
    /// <c>maxUnavailable: 1</c> lets a node drain evict one pod at a time at whatever scale the autoscaler chose, and at
    /// the minimum of two keeps one serving; <c>minAvailable: 1</c> would let a drain take all but one pod of a
    /// scaled-out service at once, and <c>minAvailable: 2</c> would block every drain at the minimum.
    /// </summary>
    private static V1PodDisruptionBudget PodDisruptionBudget(ServiceSpec service) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = Metadata(service.Name, service.Name),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = 1,
            Selector = App(service.Name),
            // A pod that is not ready serves nothing; evicting it must not wait for it to recover.
            UnhealthyPodEvictionPolicy = "AlwaysAllow",
        },
    };

    private static V2HorizontalPodAutoscaler HorizontalPodAutoscaler(ServiceSpec service) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = Metadata(service.Name, service.Name),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = service.Name },
            MinReplicas = service.Replicas,
            MaxReplicas = service.Replicas * MaxReplicasPerModelReplica,
            Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource
                    {
                        Name = "cpu",
                        Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 70 },
                    },
                },
            ],
        },
    };

    private static ServiceMonitor ServiceMonitor(ServiceSpec service) => new()
    {
        Metadata = Metadata(service.Name, service.Name),
        Spec = new ServiceMonitorSpec
        {
            Selector = App(service.Name),
            Endpoints = [new ServiceMonitorEndpoint { Port = service.Http.Name, Path = "/metrics", Interval = "15s" }],
        },
    };

    private static V1Ingress Ingress(ServiceSpec service, KubernetesManifestOptions options) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = Metadata(service.Name, service.Name),
        Spec = new V1IngressSpec
        {
            IngressClassName = "cilium",
            Rules =
            [
                new V1IngressRule
                {
                    Host = options.IngressHost,
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = "/",
                                PathType = "Prefix",
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend { Name = service.Name, Port = new V1ServiceBackendPort { Name = service.Http.Name } },
                                },
                            },
                        ],
                    },
                },
            ],
        },
    };

    private static string Checksum(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
