using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;

namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>
/// Turns the services of the AppHost model into a kustomize base for a Cilium cluster: per service a hardened
/// Deployment, Service, ConfigMap, PodDisruptionBudget, HorizontalPodAutoscaler and ServiceMonitor; an Ingress for
/// external services; the Aspire dashboard; and CiliumNetworkPolicies that allow exactly the model's references.
/// The output is a map of relative path to YAML, identical for identical input.
/// </summary>
public static class KubernetesManifestGenerator
{
    public const string DashboardName = "aspire-dashboard";
    public const int DashboardUiPort = 18888;
    public const int DashboardOtlpPort = 18889;
    public const string PrometheusNamespace = "prometheus";
    public const string PartOf = "nutrition-aspire";

    private const string AppLabel = "app";
    private const string PartOfLabel = "app.kubernetes.io/part-of";
    private const string PodNamespaceLabel = "k8s:io.kubernetes.pod.namespace";
    private const int AppUserId = 1654;

    /// <summary>The HTTP routes health-api serves to the outside world through the ingress.</summary>
    private static readonly (string Method, string Path)[] s_publicRoutes =
    [
        ("POST", "/calculator"), ("GET", "/healthcheck"), ("GET", "/version"), ("GET", "/openapi/.*"), ("GET", "/scalar.*"),
    ];

    /// <param name="services">The services of the model.</param>
    /// <param name="options">Namespace, images, ingress host and OTLP endpoint.</param>
    /// <param name="dashboards">Grafana dashboards by file name (<c>name.json</c>), shipped as sidecar-loaded ConfigMaps.</param>
    public static IReadOnlyDictionary<string, string> Generate(
        IReadOnlyList<ServiceSpec> services, KubernetesManifestOptions options, IReadOnlyDictionary<string, string> dashboards)
    {
        options.Validate();
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var folders = new List<string>();

        files["namespace.yaml"] = Yaml(new V1Namespace
        {
            ApiVersion = "v1",
            Kind = "Namespace",
            Metadata = new V1ObjectMeta { Name = options.Namespace, Labels = Labels((PartOfLabel, PartOf)) },
        });

        foreach (var service in services)
        {
            var objects = new List<(string File, object Object)>();
            var configMap = ConfigMap(service, services, options);
            objects.Add(("configmap.yaml", configMap));
            objects.Add(("deployment.yaml", Deployment(service, options, Checksum(Yaml(configMap)))));
            objects.Add(("service.yaml", Service(service)));
            objects.Add(("pdb.yaml", PodDisruptionBudget(service)));
            objects.Add(("hpa.yaml", HorizontalPodAutoscaler(service)));
            objects.Add(("servicemonitor.yaml", ServiceMonitor(service)));
            if (service.IsExternal)
            {
                objects.Add(("ingress.yaml", Ingress(service, options)));
            }

            AddFolder(files, folders, service.Name, objects);
        }

        AddFolder(files, folders, DashboardName, [("deployment.yaml", DashboardDeployment(options)), ("service.yaml", DashboardService())]);
        AddFolder(files, folders, "grafana-dashboards", dashboards.OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(dashboard => ($"{Path.GetFileNameWithoutExtension(dashboard.Key)}.yaml", (object)DashboardConfigMap(dashboard.Key, dashboard.Value))));
        AddFolder(files, folders, "network-policies", NetworkPolicies(services, options).Select(policy => ($"{policy.Metadata.Name}.yaml", (object)policy)));

        files["kustomization.yaml"] = Yaml(new Kustomization
        {
            Namespace = options.Namespace,
            Resources = ["namespace.yaml", .. folders],
        });
        return files;
    }

    /// <summary>The CiliumNetworkPolicies: default-deny ingress, one L7 allow per reference, and the platform's own flows.</summary>
    public static IReadOnlyList<CiliumNetworkPolicy> NetworkPolicies(IReadOnlyList<ServiceSpec> services, KubernetesManifestOptions options)
    {
        var policies = new List<CiliumNetworkPolicy>
        {
            Policy("default-deny-ingress", "Denies all ingress to the namespace; the policies beside it allow each flow.",
                new V1LabelSelector(), ingress: [new CiliumRule()]),
        };

        foreach (var caller in services)
        {
            foreach (var calleeName in caller.References)
            {
                var callee = services.Single(s => s.Name == calleeName);
                policies.Add(Policy($"{callee.Name}-from-{caller.Name}",
                    $"{caller.Name} may call {GrpcPath(callee)} on {callee.Name}, and nothing else.",
                    App(callee.Name),
                    ingress:
                    [
                        new CiliumRule
                        {
                            FromEndpoints = [App(caller.Name)],
                            ToPorts = [PortRule(callee.Grpc!.Port, new CiliumL7Rules { Http = [new() { Method = "POST", Path = GrpcPath(callee) }] })],
                        },
                    ]));
            }

            policies.Add(Policy($"{caller.Name}-egress",
                $"{caller.Name} may resolve names, export telemetry and call the services it references.",
                App(caller.Name),
                egress: [DnsEgress(), OtlpEgress(options), .. caller.References.Select(callee => new CiliumRule
                {
                    ToEndpoints = [App(callee)],
                    ToPorts = [PortRule(services.Single(s => s.Name == callee).Grpc!.Port)],
                })]));

            if (caller.IsExternal)
            {
                policies.Add(Policy($"{caller.Name}-from-ingress",
                    $"The Cilium ingress may reach the public routes of {caller.Name}.",
                    App(caller.Name),
                    ingress:
                    [
                        new CiliumRule
                        {
                            FromEntities = ["ingress"],
                            ToPorts = [PortRule(caller.Http.Port, new CiliumL7Rules
                            {
                                Http = [.. s_publicRoutes.Select(route => new CiliumHttpRule { Method = route.Method, Path = route.Path })],
                            })],
                        },
                    ]));
            }
        }

        policies.Add(Policy("metrics-from-prometheus",
            $"Prometheus, in namespace {PrometheusNamespace}, may scrape /metrics on every service.",
            new V1LabelSelector { MatchLabels = Labels((PartOfLabel, PartOf)) },
            ingress:
            [
                new CiliumRule
                {
                    FromEndpoints = [new V1LabelSelector { MatchLabels = Labels((PodNamespaceLabel, PrometheusNamespace)) }],
                    ToPorts = [.. services.Select(s => s.Http.Port).Distinct().Order().Select(port =>
                        PortRule(port, new CiliumL7Rules { Http = [new() { Method = "GET", Path = "/metrics" }] }))],
                },
            ]));

        if (IsDashboard(options))
        {
            policies.Add(Policy($"{DashboardName}-otlp",
                "The services may export OTLP to the Aspire dashboard; its UI is reached through kubectl port-forward.",
                App(DashboardName),
                ingress:
                [
                    new CiliumRule
                    {
                        FromEndpoints = [new V1LabelSelector { MatchLabels = Labels((PartOfLabel, PartOf)) }],
                        ToPorts = [PortRule(DashboardOtlpPort)],
                    },
                ]));
        }

        return policies;
    }

    public static string GrpcPath(ServiceSpec service) =>
        GrpcServiceNames.ByResource.TryGetValue(service.Name, out var grpcService)
            ? $"/{grpcService}/{GrpcServiceNames.Method}"
            : throw new InvalidOperationException($"Resource '{service.Name}' has a gRPC endpoint but no entry in GrpcServiceNames.");

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
            data[$"services__{reference}__{ResourceNames.GrpcEndpoint}__0"] = $"http://{reference}:{port.ToString(CultureInfo.InvariantCulture)}";
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

    private static V1Deployment Deployment(ServiceSpec service, KubernetesManifestOptions options, string configChecksum) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = Metadata(service.Name, service.Name),
        Spec = new V1DeploymentSpec
        {
            Replicas = service.Replicas,
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
                Spec = HardenedPod(service.Name, new V1Container
                {
                    Name = service.Name,
                    Image = $"{options.ImageRegistry}/{service.Name}:{options.ImageTag}",
                    ImagePullPolicy = "IfNotPresent",
                    Ports = [.. service.Ports.Select(port => new V1ContainerPort { Name = port.Name, ContainerPort = port.Port, Protocol = "TCP" })],
                    EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = $"{service.Name}-env" } }],
                    Resources = Resources("50m", "128Mi", "500m", "256Mi"),
                    StartupProbe = Probe(service.Startup, periodSeconds: 2, failureThreshold: 30),
                    ReadinessProbe = Probe(service.Readiness, periodSeconds: 5, failureThreshold: 3),
                    LivenessProbe = Probe(service.Liveness, periodSeconds: 10, failureThreshold: 3),
                }),
            },
        },
    };

    private static V1PodSpec HardenedPod(string name, V1Container container)
    {
        container.SecurityContext = new V1SecurityContext
        {
            AllowPrivilegeEscalation = false,
            ReadOnlyRootFilesystem = true,
            RunAsNonRoot = true,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        };
        container.VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }];
        return new V1PodSpec
        {
            AutomountServiceAccountToken = false,
            EnableServiceLinks = false,
            TerminationGracePeriodSeconds = 30,
            SecurityContext = new V1PodSecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = AppUserId,
                RunAsGroup = AppUserId,
                FsGroup = AppUserId,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            TopologySpreadConstraints =
            [
                Spread(name, "topology.kubernetes.io/zone"),
                Spread(name, "kubernetes.io/hostname"),
            ],
            Containers = [container],
            Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("64Mi") } }],
        };
    }

    private static V1TopologySpreadConstraint Spread(string name, string topologyKey) => new()
    {
        MaxSkew = 1,
        TopologyKey = topologyKey,
        WhenUnsatisfiable = "ScheduleAnyway",
        LabelSelector = App(name),
    };

    private static V1ResourceRequirements Resources(string cpuRequest, string memoryRequest, string cpuLimit, string memoryLimit) => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuRequest), ["memory"] = new(memoryRequest) },
        Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuLimit), ["memory"] = new(memoryLimit) },
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

    private static V1PodDisruptionBudget PodDisruptionBudget(ServiceSpec service) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = Metadata(service.Name, service.Name),
        Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = App(service.Name) },
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
            MaxReplicas = Math.Max(service.Replicas, 1) * 5,
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
                                    Service = new V1IngressServiceBackend
                                    {
                                        Name = service.Name,
                                        Port = new V1ServiceBackendPort { Name = service.Http.Name },
                                    },
                                },
                            },
                        ],
                    },
                },
            ],
        },
    };

    /// <summary>A Grafana dashboard for the kube-prometheus-stack sidecar, which loads ConfigMaps labelled <c>grafana_dashboard</c>.</summary>
    private static V1ConfigMap DashboardConfigMap(string fileName, string json) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = $"grafana-dashboard-{Path.GetFileNameWithoutExtension(fileName)}",
            Labels = Labels(("grafana_dashboard", "1"), (PartOfLabel, PartOf)),
            Annotations = Labels(("grafana_folder", "NutritionAspire")),
        },
        Data = new Dictionary<string, string> { [fileName] = json },
    };

    private static V1Deployment DashboardDeployment(KubernetesManifestOptions options) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = Metadata(DashboardName, DashboardName),
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            RevisionHistoryLimit = 5,
            Selector = App(DashboardName),
            // Telemetry lives in the dashboard's memory; two copies would each hold half of it.
            Strategy = new V1DeploymentStrategy { Type = "Recreate" },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = Labels((AppLabel, DashboardName)) },
                Spec = HardenedPod(DashboardName, new V1Container
                {
                    Name = DashboardName,
                    Image = $"{options.ImageRegistry}/{DashboardName}:{options.DashboardImageTag}",
                    ImagePullPolicy = "IfNotPresent",
                    Ports =
                    [
                        new V1ContainerPort { Name = "http", ContainerPort = DashboardUiPort, Protocol = "TCP" },
                        new V1ContainerPort { Name = "otlp-grpc", ContainerPort = DashboardOtlpPort, Protocol = "TCP" },
                    ],
                    Env =
                    [
                        new V1EnvVar { Name = "ASPNETCORE_URLS", Value = $"http://0.0.0.0:{DashboardUiPort}" },
                        new V1EnvVar { Name = "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", Value = $"http://0.0.0.0:{DashboardOtlpPort}" },
                        // Reached only through kubectl port-forward (the network policies admit nothing else to the UI).
                        new V1EnvVar { Name = "DASHBOARD__FRONTEND__AUTHMODE", Value = "Unsecured" },
                        new V1EnvVar { Name = "DASHBOARD__OTLP__AUTHMODE", Value = "Unsecured" },
                    ],
                    Resources = Resources("100m", "256Mi", "1", "1Gi"),
                    StartupProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "http" }, PeriodSeconds = 2, FailureThreshold = 30 },
                    ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "otlp-grpc" }, PeriodSeconds = 10 },
                    LivenessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "http" }, PeriodSeconds = 20 },
                }),
            },
        },
    };

    private static V1Service DashboardService() => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Metadata(DashboardName, DashboardName),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = Labels((AppLabel, DashboardName)),
            Ports =
            [
                new V1ServicePort { Name = "http", Port = DashboardUiPort, TargetPort = "http", Protocol = "TCP", AppProtocol = "http" },
                new V1ServicePort { Name = "otlp-grpc", Port = DashboardOtlpPort, TargetPort = "otlp-grpc", Protocol = "TCP", AppProtocol = "kubernetes.io/h2c" },
            ],
        },
    };

    private static CiliumRule DnsEgress() => new()
    {
        ToEndpoints = [new V1LabelSelector { MatchLabels = Labels((PodNamespaceLabel, "kube-system"), ("k8s-app", "kube-dns")) }],
        ToPorts =
        [
            new CiliumPortRule
            {
                Ports = [new CiliumPort { Port = "53", Protocol = "ANY" }],
                // Sends DNS through Cilium's proxy, which is what lets toFQDNs rules and Hubble see names.
                Rules = new CiliumL7Rules { Dns = [new CiliumDnsRule { MatchPattern = "*" }] },
            },
        ],
    };

    private static CiliumRule OtlpEgress(KubernetesManifestOptions options)
    {
        var otlp = new Uri(options.OtlpEndpoint);
        var port = PortRule(otlp.Port);
        if (IsDashboard(options))
        {
            return new CiliumRule { ToEndpoints = [App(DashboardName)], ToPorts = [port] };
        }

        // <service>.<namespace>[.svc…] is a Service of the cluster; anything else is a name outside it.
        var labels = otlp.Host.Split('.');
        return labels.Length >= 2 && (labels.Length == 2 || labels[2] == "svc")
            ? new CiliumRule { ToEndpoints = [new V1LabelSelector { MatchLabels = Labels((PodNamespaceLabel, labels[1])) }], ToPorts = [port] }
            : new CiliumRule { ToFqdns = [new CiliumFqdn { MatchName = otlp.Host }], ToPorts = [port] };
    }

    private static bool IsDashboard(KubernetesManifestOptions options) =>
        new Uri(options.OtlpEndpoint) is { Host: DashboardName, Port: DashboardOtlpPort };

    private static CiliumNetworkPolicy Policy(
        string name, string description, V1LabelSelector selector, IList<CiliumRule>? ingress = null, IList<CiliumRule>? egress = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = Labels((PartOfLabel, PartOf)) },
        Spec = new CiliumPolicySpec { Description = description, EndpointSelector = selector, Ingress = ingress, Egress = egress },
    };

    private static CiliumPortRule PortRule(int port, CiliumL7Rules? rules = null) => new()
    {
        Ports = [new CiliumPort { Port = port.ToString(CultureInfo.InvariantCulture), Protocol = "TCP" }],
        Rules = rules,
    };

    private static V1LabelSelector App(string name) => new() { MatchLabels = Labels((AppLabel, name)) };

    private static V1ObjectMeta Metadata(string name, string app) => new() { Name = name, Labels = ServiceLabels(app) };

    /// <summary><c>app</c> is the selector label (the one Aspirate uses too); the others are the recommended labels.</summary>
    private static Dictionary<string, string> ServiceLabels(string app) =>
        Labels((AppLabel, app), ("app.kubernetes.io/name", app), (PartOfLabel, PartOf));

    private static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.OrderBy(label => label.Key, StringComparer.Ordinal).ToDictionary(label => label.Key, label => label.Value);

    private static void AddFolder(SortedDictionary<string, string> files, List<string> folders, string folder, IEnumerable<(string File, object Object)> objects)
    {
        var resources = new List<string>();
        foreach (var (file, value) in objects)
        {
            files[$"{folder}/{file}"] = Yaml(value);
            resources.Add(file);
        }

        files[$"{folder}/kustomization.yaml"] = Yaml(new Kustomization { Resources = resources });
        folders.Add(folder);
    }

    private static string Yaml(object value) => KubernetesYaml.Serialize(value).ReplaceLineEndings("\n").TrimEnd('\n') + "\n";

    private static string Checksum(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
