using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using k8s.Models;
using static NutritionAspire.Hosting.Kubernetes.KubernetesObjects;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// The objects of one resource of the model: a hardened Deployment, its Service and ConfigMap, an autoscaler and a
/// disruption budget when it has more than one replica, a PersistentVolumeClaim per named volume, a ServiceMonitor when
/// Prometheus scrapes it, and an Ingress for its external HTTP endpoint.
/// </summary>
public static partial class WorkloadObjects
{
    /// <summary>How far the autoscaler may scale a resource out, as a multiple of its replicas in the model.</summary>
    private const int MaxReplicasPerModelReplica = 5;

    /// <summary>The size each named volume asks for (change it with PublishAsKubernetesService).</summary>
    public const string VolumeSize = "1Gi";

    /// <summary>The objects of <paramref name="workload"/>, after its <see cref="WorkloadSpec.Customizations"/> ran.</summary>
    public static KubernetesWorkload For(WorkloadSpec workload, KubernetesSettings settings)
    {
        var (data, env) = Environment(workload, settings);
        var objects = new KubernetesWorkload(workload.Name, Deployment(workload, settings, env, hasConfigMap: data.Count > 0))
        {
            ConfigMap = data.Count == 0 ? null : new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = Metadata(ConfigMapName(workload.Name), workload.Name, settings.Application),
                Data = data,
            },
            Service = workload.Ports.Count == 0 ? null : Service(workload, settings),
            HorizontalPodAutoscaler = workload.Replicas > 1 ? HorizontalPodAutoscaler(workload, settings) : null,
            PodDisruptionBudget = workload.Replicas > 1 ? PodDisruptionBudget(workload, settings) : null,
            Ingress = workload.Ports.SingleOrDefault(port => port.IsExternal) is { } external ? Ingress(workload, external, settings) : null,
            ServiceMonitor = workload.Scrape is { } scrape ? ServiceMonitor(workload, scrape, settings) : null,
        };
        foreach (var volume in workload.Volumes.Where(volume => volume.Persistent))
        {
            objects.PersistentVolumeClaims.Add(PersistentVolumeClaim(workload, volume, settings));
        }

        foreach (var customize in workload.Customizations)
        {
            customize(objects);
        }

        if (objects.ConfigMap is { } configMap)
        {
            // Changing the ConfigMap changes this hash, so the pods roll.
            var template = objects.Deployment.Spec.Template.Metadata;
            template.Annotations ??= new Dictionary<string, string>();
            template.Annotations["checksum/config"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(KustomizeTree.Yaml(configMap))));
        }

        return objects;
    }

    /// <summary>Every object of <paramref name="workload"/> by file name, in the order its kustomization lists them.</summary>
    public static IEnumerable<(string File, object Object)> Files(KubernetesWorkload workload)
    {
        (string, object?)[] named =
        [
            ("configmap.yaml", workload.ConfigMap),
            ("deployment.yaml", workload.Deployment),
            ("service.yaml", workload.Service),
            ("pdb.yaml", workload.PodDisruptionBudget),
            ("hpa.yaml", workload.HorizontalPodAutoscaler),
            ("servicemonitor.yaml", workload.ServiceMonitor),
            ("ingress.yaml", workload.Ingress),
        ];
        foreach (var (file, value) in named)
        {
            if (value is not null)
            {
                yield return (file, value);
            }
        }

        foreach (var claim in workload.PersistentVolumeClaims)
        {
            yield return ($"pvc-{claim.Metadata.Name}.yaml", claim);
        }

        foreach (var additional in workload.AdditionalObjects)
        {
            yield return ($"{additional.Kind.ToLowerInvariant()}-{additional.Metadata.Name}.yaml", additional);
        }
    }

    public static string ConfigMapName(string workload) => $"{workload}-env";

    /// <summary>The Secret a secret parameter's value is read from: named after the parameter (see <see cref="SecretPart"/> for its keys).</summary>
    public static string SecretName(string parameter) => parameter.ToLowerInvariant();

    /// <summary>The env entry that hands a pod exporting to the in-cluster dashboard the dashboard's OTLP API key.</summary>
    public const string OtlpApiKeyVariable = "DASHBOARD_OTLP_API_KEY";

    /// <summary>The OpenTelemetry SDK's setting of the headers every OTLP export sends.</summary>
    public const string OtlpHeadersVariable = "OTEL_EXPORTER_OTLP_HEADERS";

    /// <summary>
    /// The plain settings (the ConfigMap's data) and the env entries of the values that hold a secret. A value that is
    /// one secret reads it from its Secret; one that embeds secrets refers to them as <c>$(VARIABLE)</c>, which the
    /// kubelet expands from the entries before it, so no secret value is ever in the output. A resource that exports
    /// telemetry to the in-cluster dashboard sends the dashboard's API key the same way.
    /// </summary>
    private static (SortedDictionary<string, string> Data, List<V1EnvVar> Env) Environment(WorkloadSpec workload, KubernetesSettings settings)
    {
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (workload.ExportsTelemetry)
        {
            data["OTEL_EXPORTER_OTLP_ENDPOINT"] = settings.OtlpEndpoint;
            data["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
            data["OTEL_SERVICE_NAME"] = workload.Name;
        }

        var embedded = new SortedSet<SecretPart>(Comparer<SecretPart>.Create((a, b) =>
            string.CompareOrdinal(HelperVariable(a), HelperVariable(b))));
        var secretValues = new List<V1EnvVar>();
        foreach (var (name, value) in workload.Environment)
        {
            if (value.IsPlain)
            {
                data[name] = value.PlainText;
                continue;
            }

            data.Remove(name);
            secretValues.Add(value.Parts is [SecretPart only]
                ? SecretVariable(name, only, workload)
                : new V1EnvVar { Name = name, Value = Expandable(value, embedded) });
        }

        foreach (var (name, value) in IngressEdge(workload, settings))
        {
            if (workload.Environment.ContainsKey(name))
            {
                throw Unmappable.Setting(workload.Name, $"environment variable {name}",
                    "WithIngressEdgeConfiguration sets it from the cluster settings (ingress-source-networks, tls-before-ingress)");
            }

            data[name] = value;
        }

        // Arguments embed secrets the same way.
        foreach (var arg in workload.Args.Where(arg => !arg.IsPlain))
        {
            Expandable(arg, embedded);
        }

        var helpers = embedded.Select(secret =>
        {
            var variable = HelperVariable(secret);
            if (workload.Environment.ContainsKey(variable))
            {
                throw Unmappable.Setting(workload.Name, $"environment variable {variable}",
                    $"the publisher needs that name to hand the pod secret parameter '{secret.Parameter}'");
            }

            return SecretVariable(variable, secret, workload);
        });
        return (data, [.. DashboardApiKey(workload, settings), .. helpers, .. secretValues]);
    }

    /// <summary>
    /// What the cluster settings say of the public edge, as the environment variables of the configuration keys the
    /// resource reads it under: each source network of the ingress, and whether TLS ends before it (only when it does).
    /// </summary>
    private static IEnumerable<(string Name, string Value)> IngressEdge(WorkloadSpec workload, KubernetesSettings settings)
    {
        if (workload.IngressEdge is not { } keys)
        {
            yield break;
        }

        foreach (var (index, network) in settings.IngressSourceNetworks.Index())
        {
            yield return (EnvironmentVariable($"{keys.SourceNetworks}:{index.ToString(CultureInfo.InvariantCulture)}"), network);
        }

        if (settings.TlsBeforeIngress)
        {
            yield return (EnvironmentVariable(keys.Https), "true");
        }
    }

    /// <summary>A configuration key as .NET's environment configuration reads it: <c>:</c> written <c>__</c>.</summary>
    private static string EnvironmentVariable(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>
    /// For a resource that exports telemetry to the in-cluster dashboard: the dashboard's OTLP API key from its Secret,
    /// and the OTLP header that carries it. Only to the dashboard: another OTLP endpoint has credentials of its own,
    /// which the model gives as a secret parameter.
    /// </summary>
    private static IEnumerable<V1EnvVar> DashboardApiKey(WorkloadSpec workload, KubernetesSettings settings)
    {
        if (!workload.ExportsTelemetry || OtlpDestination.Of(settings) is not OtlpDestination.Dashboard)
        {
            return [];
        }

        foreach (var reserved in new[] { OtlpApiKeyVariable, OtlpHeadersVariable })
        {
            if (workload.Environment.ContainsKey(reserved))
            {
                throw Unmappable.Setting(workload.Name, $"environment variable {reserved}",
                    $"the publisher sets it to send the in-cluster dashboard's OTLP API key (Secret {AspireDashboardManifests.OtlpApiKeySecret})");
            }
        }

        return
        [
            AspireDashboardManifests.FromSecret(OtlpApiKeyVariable, AspireDashboardManifests.OtlpApiKeySecret),
            new V1EnvVar { Name = OtlpHeadersVariable, Value = $"{AspireDashboardManifests.OtlpApiKeyHeader}=$({OtlpApiKeyVariable})" },
        ];
    }

    private static V1EnvVar SecretVariable(string name, SecretPart secret, WorkloadSpec workload)
    {
        var secretName = SecretName(secret.Parameter);
        if (!KubernetesSettings.DnsLabel().IsMatch(secretName) || secretName.Length > 63)
        {
            throw Unmappable.Setting(workload.Name, $"secret parameter '{secret.Parameter}'", "its name is no valid name for the Secret it is read from");
        }

        return new V1EnvVar
        {
            Name = name,
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secretName, Key = secret.Key } },
        };
    }

    /// <summary>A value for an env entry or an argument, which the kubelet expands: <c>$(</c> in text is escaped, a secret is <c>$(HELPER)</c>.</summary>
    private static string Expandable(ValueTemplate value, ISet<SecretPart> embedded)
    {
        var expandable = new StringBuilder();
        foreach (var part in value.Parts)
        {
            if (part is SecretPart secret)
            {
                embedded.Add(secret);
                expandable.Append(CultureInfo.InvariantCulture, $"$({HelperVariable(secret)})");
            }
            else
            {
                expandable.Append(((TextPart)part).Text.Replace("$(", "$$(", StringComparison.Ordinal));
            }
        }

        return expandable.ToString();
    }

    /// <summary>
    /// The env entry that hands the pod a secret parameter embedded in a longer value: <c>PARAMETER_API_KEY</c>, or
    /// <c>PARAMETER_API_KEY_URI</c> for its URL-encoded form.
    /// </summary>
    public static string HelperVariable(SecretPart secret) =>
        "PARAMETER_" + NotInVariable().Replace(secret.Parameter.ToUpperInvariant(), "_") + (secret.Key == SecretPart.ValueKey ? "" : "_" + secret.Key.ToUpperInvariant());

    /// <summary>
    /// A resource with more than one replica gets no <c>spec.replicas</c>: its HorizontalPodAutoscaler owns the count,
    /// and a value here would reset a scaled-out Deployment on every <c>kubectl apply</c>. One with a named volume is
    /// replaced, not rolled, since its one disk is written by one pod at a time.
    /// </summary>
    private static V1Deployment Deployment(WorkloadSpec workload, KubernetesSettings settings, List<V1EnvVar> env, bool hasConfigMap)
    {
        var volumes = workload.Volumes.Select(volume => new V1Volume
        {
            Name = volume.Name,
            PersistentVolumeClaim = volume.Persistent ? new V1PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(workload, volume) } : null,
            EmptyDir = volume.Persistent ? null : new V1EmptyDirVolumeSource(),
        });
        var mounts = workload.Volumes.Select(volume => new V1VolumeMount { Name = volume.Name, MountPath = volume.MountPath, ReadOnlyProperty = volume.ReadOnly ? true : null });
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(workload.Name, workload.Name, settings.Application),
            Spec = new V1DeploymentSpec
            {
                Replicas = workload.Replicas > 1 ? null : workload.Replicas,
                RevisionHistoryLimit = 5,
                Selector = App(workload.Name),
                Strategy = workload.IsStateful
                    ? new V1DeploymentStrategy { Type = "Recreate" }
                    : new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = 0 } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = ServiceLabels(workload.Name, settings.Application) },
                    Spec = HardenedPod.For(workload.Name, new V1Container
                    {
                        Name = workload.Name,
                        Image = workload.Image ?? BuiltImage(workload.Name, settings),
                        ImagePullPolicy = workload.ImagePullPolicy,
                        Command = workload.Command is { } command ? [command] : null,
                        Args = workload.Args.Count == 0 ? null : [.. workload.Args.Select(arg => Expandable(arg, new HashSet<SecretPart>()))],
                        Ports = workload.Ports.Count == 0 ? null
                            : [.. workload.Ports.Select(port => new V1ContainerPort { Name = port.Name, ContainerPort = port.TargetPort, Protocol = port.Protocol })],
                        EnvFrom = hasConfigMap ? [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = ConfigMapName(workload.Name) } }] : null,
                        Env = env.Count == 0 ? null : env,
                        Resources = ContainerSizes.Workload.ToRequirements(),
                        StartupProbe = Probe(workload, ProbeType.Startup),
                        ReadinessProbe = Probe(workload, ProbeType.Readiness),
                        LivenessProbe = Probe(workload, ProbeType.Liveness),
                    }, volumes, mounts),
                },
            },
        };
    }

    public static string BuiltImage(string name, KubernetesSettings settings) =>
        settings.ImageRegistry.Length == 0 ? $"{name}:{settings.ImageTag}" : $"{settings.ImageRegistry}/{name}:{settings.ImageTag}";

    private static V1Probe? Probe(WorkloadSpec workload, ProbeType type) => workload.Probes.SingleOrDefault(probe => probe.Type == type) is { } probe
        ? new V1Probe
        {
            HttpGet = new V1HTTPGetAction { Path = probe.Path, Port = probe.PortName },
            InitialDelaySeconds = probe.InitialDelaySeconds,
            PeriodSeconds = probe.PeriodSeconds,
            TimeoutSeconds = probe.TimeoutSeconds,
            FailureThreshold = probe.FailureThreshold,
            SuccessThreshold = probe.SuccessThreshold,
        }
        : null;

    private static V1Service Service(WorkloadSpec workload, KubernetesSettings settings) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta
        {
            Name = workload.Name,
            Labels = ServiceLabels(workload.Name, settings.Application),
            // Cilium's Envoy balances each gRPC request rather than each long-lived HTTP/2 connection.
            Annotations = workload.Ports.Any(port => port.AppProtocol == "kubernetes.io/h2c") ? Labels(("service.cilium.io/lb-l7", "enabled")) : null,
        },
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = Labels((AppLabel, workload.Name)),
            Ports = [.. workload.Ports.Select(port => new V1ServicePort
            {
                Name = port.Name,
                Port = port.ServicePort,
                TargetPort = port.Name,
                Protocol = port.Protocol,
                AppProtocol = port.AppProtocol,
            })],
        },
    };

    /// <summary>
    /// <c>maxUnavailable: 1</c> lets a node drain evict one pod at a time at whatever scale the autoscaler chose, and at
    /// the minimum of two keeps one serving; <c>minAvailable: 1</c> would let a drain take all but one pod of a
    /// scaled-out resource at once, and <c>minAvailable: 2</c> would block every drain at the minimum.
    /// </summary>
    private static V1PodDisruptionBudget PodDisruptionBudget(WorkloadSpec workload, KubernetesSettings settings) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = Metadata(workload.Name, workload.Name, settings.Application),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = 1,
            Selector = App(workload.Name),
            // A pod that is not ready serves nothing; evicting it must not wait for it to recover.
            UnhealthyPodEvictionPolicy = "AlwaysAllow",
        },
    };

    private static V2HorizontalPodAutoscaler HorizontalPodAutoscaler(WorkloadSpec workload, KubernetesSettings settings) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = Metadata(workload.Name, workload.Name, settings.Application),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = workload.Name },
            MinReplicas = workload.Replicas,
            MaxReplicas = workload.Replicas * MaxReplicasPerModelReplica,
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

    private static ServiceMonitor ServiceMonitor(WorkloadSpec workload, ScrapeSpec scrape, KubernetesSettings settings) => new()
    {
        Metadata = Metadata(workload.Name, workload.Name, settings.Application),
        Spec = new ServiceMonitorSpec
        {
            Selector = App(workload.Name),
            Endpoints = [new ServiceMonitorEndpoint { Port = scrape.PortName, Path = scrape.Path, Interval = "15s" }],
        },
    };

    private static V1Ingress Ingress(WorkloadSpec workload, PortSpec port, KubernetesSettings settings) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = Metadata(workload.Name, workload.Name, settings.Application),
        Spec = new V1IngressSpec
        {
            IngressClassName = "cilium",
            Rules =
            [
                new V1IngressRule
                {
                    Host = settings.IngressHost.Length > 0 ? settings.IngressHost
                        : throw Unmappable.Setting(workload.Name, $"external endpoint '{port.Name}'",
                            $"parameter {KubernetesSetting.IngressHost.ParameterName} has no value, and the Ingress needs the host it answers"),
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
                                    Service = new V1IngressServiceBackend { Name = workload.Name, Port = new V1ServiceBackendPort { Name = port.Name } },
                                },
                            },
                        ],
                    },
                },
            ],
        },
    };

    private static string ClaimName(WorkloadSpec workload, VolumeSpec volume) => $"{workload.Name}-{volume.Name}";

    /// <summary>A named volume: one disk, written by the one pod of the resource.</summary>
    private static V1PersistentVolumeClaim PersistentVolumeClaim(WorkloadSpec workload, VolumeSpec volume, KubernetesSettings settings) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = Metadata(ClaimName(workload, volume), workload.Name, settings.Application),
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(VolumeSize) } },
        },
    };

    [GeneratedRegex("[^A-Z0-9_]")]
    private static partial Regex NotInVariable();
}
