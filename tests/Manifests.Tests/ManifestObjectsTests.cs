using k8s;
using k8s.Models;
using NutritionAspire.AppHost.Kubernetes;
using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>Every object of <c>manifests/kubernetes</c>: valid for its kind, hardened, and no wider than the model.</summary>
public sealed class ManifestObjectsTests
{
    private static readonly string[] s_services =
    [
        ResourceNames.HealthApi, ResourceNames.BmrGrpc, ResourceNames.ImcGrpc, ResourceNames.RecommendationsGrpc,
        ResourceNames.WaterGrpc, ResourceNames.ProteinsGrpc, ResourceNames.CaloriesGrpc,
    ];

    /// <summary>The call graph of contract §1, as (caller, callee).</summary>
    private static readonly (string Caller, string Callee)[] s_callGraph =
    [
        (ResourceNames.HealthApi, ResourceNames.BmrGrpc), (ResourceNames.HealthApi, ResourceNames.ImcGrpc),
        (ResourceNames.HealthApi, ResourceNames.RecommendationsGrpc), (ResourceNames.RecommendationsGrpc, ResourceNames.WaterGrpc),
        (ResourceNames.RecommendationsGrpc, ResourceNames.ProteinsGrpc), (ResourceNames.RecommendationsGrpc, ResourceNames.CaloriesGrpc),
    ];

    [Fact]
    public void EveryObjectRoundTripsThroughItsTypedModelUnchanged()
    {
        foreach (var (file, value) in ManifestFiles.Objects())
        {
            Assert.False(string.IsNullOrEmpty(value.ApiVersion), file);
            Assert.False(string.IsNullOrEmpty(value.Kind), file);
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", value.Metadata.Name);
            Assert.Null(value.Metadata.NamespaceProperty);
            Assert.Equal(ManifestFiles.Tree[file], KubernetesYaml.Serialize(value).ReplaceLineEndings("\n").TrimEnd('\n') + "\n");
        }
    }

    [Fact]
    public void EveryKustomizationHasApiVersionAndKindAndListsEveryFileOfItsFolder()
    {
        var kustomizations = ManifestFiles.Tree.Where(file => file.Key.EndsWith("kustomization.yaml", StringComparison.Ordinal)).ToList();

        Assert.Equal(12, kustomizations.Count);
        foreach (var (path, content) in kustomizations)
        {
            var kustomization = KubernetesYaml.Deserialize<Kustomization>(content, strict: true);
            Assert.Equal("kustomize.config.k8s.io/v1beta1", kustomization.ApiVersion);
            Assert.Equal("Kustomization", kustomization.Kind);
            var folder = Path.GetDirectoryName(path)!.Replace('\\', '/');
            var expected = ManifestFiles.Tree.Keys
                .Where(file => file != path && Path.GetDirectoryName(file)!.Replace('\\', '/') == folder)
                .Select(Path.GetFileName)
                .Concat(folder.Length == 0 ? ManifestFiles.Tree.Keys.Where(f => f.Contains('/', StringComparison.Ordinal)).Select(f => f.Split('/')[0]).Distinct() : [])
                .Order(StringComparer.Ordinal);
            Assert.Equal(expected, kustomization.Resources.Order(StringComparer.Ordinal));
        }

        Assert.Equal("nutrition", KubernetesYaml.Deserialize<Kustomization>(ManifestFiles.Tree["kustomization.yaml"]).Namespace);
    }

    [Fact]
    public void EveryServiceHasItsObjects()
    {
        foreach (var service in s_services)
        {
            Assert.Single(ManifestFiles.OfType<V1Deployment>(), o => o.Metadata.Name == service);
            Assert.Single(ManifestFiles.OfType<V1Service>(), o => o.Metadata.Name == service);
            Assert.Single(ManifestFiles.OfType<V1ConfigMap>(), o => o.Metadata.Name == $"{service}-env");
            Assert.Single(ManifestFiles.OfType<V1PodDisruptionBudget>(), o => o.Metadata.Name == service);
            Assert.Single(ManifestFiles.OfType<V2HorizontalPodAutoscaler>(), o => o.Metadata.Name == service && o.Spec.ScaleTargetRef.Name == service);
            Assert.Single(ManifestFiles.OfType<ServiceMonitor>(), o => o.Metadata.Name == service && o.Spec.Endpoints.Single().Path == "/metrics");
        }

        Assert.Single(ManifestFiles.OfType<V1Namespace>(), o => o.Metadata.Name == "nutrition");
        Assert.Single(ManifestFiles.OfType<V1Deployment>(), o => o.Metadata.Name == KubernetesManifestGenerator.DashboardName);
    }

    [Fact]
    public void EveryDeploymentHasProbesLimitsAndTheRestrictedSecurityContext()
    {
        foreach (var deployment in ManifestFiles.OfType<V1Deployment>())
        {
            var pod = deployment.Spec.Template.Spec;
            var container = Assert.Single(pod.Containers);
            Assert.Equal(deployment.Metadata.Name, container.Name);
            Assert.NotNull(container.StartupProbe);
            Assert.NotNull(container.ReadinessProbe);
            Assert.NotNull(container.LivenessProbe);
            Assert.All(["cpu", "memory"], resource =>
            {
                Assert.Contains(resource, container.Resources.Requests.Keys);
                Assert.Contains(resource, container.Resources.Limits.Keys);
            });
            Assert.False(pod.AutomountServiceAccountToken);
            Assert.True(pod.SecurityContext.RunAsNonRoot);
            Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
            Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
            Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
            Assert.True(container.SecurityContext.RunAsNonRoot);
            Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
            var tmp = Assert.Single(container.VolumeMounts, mount => mount.MountPath == "/tmp");
            Assert.NotNull(Assert.Single(pod.Volumes, volume => volume.Name == tmp.Name).EmptyDir);
        }
    }

    [Fact]
    public void ServiceDeploymentsFollowTheModel()
    {
        foreach (var name in s_services)
        {
            var deployment = ManifestFiles.OfType<V1Deployment>().Single(d => d.Metadata.Name == name);
            var container = deployment.Spec.Template.Spec.Containers.Single();
            Assert.Equal(2, deployment.Spec.Replicas);
            Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
            Assert.Equal($"nutritionaspire/{name}:1.0.0", container.Image);
            Assert.Equal(["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
                deployment.Spec.Template.Spec.TopologySpreadConstraints.Select(c => c.TopologyKey));
            var probePath = name == ResourceNames.HealthApi ? "/readiness" : "/healthz";
            Assert.Equal(probePath, container.ReadinessProbe.HttpGet.Path);
            Assert.Equal(name == ResourceNames.HealthApi ? "/liveness" : "/healthz", container.LivenessProbe.HttpGet.Path);
            Assert.Equal("http", container.ReadinessProbe.HttpGet.Port.Value);
        }
    }

    [Fact]
    public void GrpcServicesExposeH2cWithPerRequestBalancingAndHttpForMetrics()
    {
        foreach (var service in ManifestFiles.OfType<V1Service>().Where(s => s.Metadata.Name.EndsWith("-grpc", StringComparison.Ordinal)))
        {
            Assert.Equal("ClusterIP", service.Spec.Type);
            Assert.Equal("enabled", service.Metadata.Annotations["service.cilium.io/lb-l7"]);
            var grpc = Assert.Single(service.Spec.Ports, port => port.Name == "grpc");
            Assert.Equal((30000, "kubernetes.io/h2c"), (grpc.Port, grpc.AppProtocol));
            Assert.Equal(8080, Assert.Single(service.Spec.Ports, port => port.Name == "http").Port);
        }

        var api = ManifestFiles.OfType<V1Service>().Single(s => s.Metadata.Name == ResourceNames.HealthApi);
        Assert.Equal((8080, "http"), (api.Spec.Ports.Single().Port, api.Spec.Ports.Single().Name));
    }

    [Fact]
    public void ConfigMapsCarryDiscoveryAndTelemetrySettingsOnly()
    {
        var recommendations = ManifestFiles.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "recommendations-grpc-env").Data;

        Assert.Equal("http://water-grpc:30000", recommendations["services__water-grpc__grpc__0"]);
        Assert.Equal("http://aspire-dashboard:18889", recommendations["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("recommendations-grpc", recommendations["OTEL_SERVICE_NAME"]);
        Assert.All(ManifestFiles.OfType<V1ConfigMap>().SelectMany(c => c.Data.Keys), key =>
            Assert.DoesNotMatch("(?i)password|secret|token|connectionstring", key));
    }

    [Fact]
    public void TheGrafanaDashboardsShipAsSidecarConfigMapsFromTheSameFiles()
    {
        var dashboards = ManifestFiles.OfType<V1ConfigMap>().Where(c => c.Metadata.Labels?.ContainsKey("grafana_dashboard") == true).ToList();

        Assert.Equal(3, dashboards.Count);
        foreach (var file in Directory.EnumerateFiles(Dashboards.Folder, "*.json"))
        {
            var name = Path.GetFileName(file);
            var configMap = Assert.Single(dashboards, c => c.Data.ContainsKey(name));
            Assert.Equal("1", configMap.Metadata.Labels["grafana_dashboard"]);
            Assert.Equal(File.ReadAllText(file).ReplaceLineEndings("\n"), configMap.Data[name]);
        }
    }

    [Fact]
    public void HealthApiIsPublishedThroughTheCiliumIngress()
    {
        var ingress = Assert.Single(ManifestFiles.OfType<V1Ingress>());

        Assert.Equal("cilium", ingress.Spec.IngressClassName);
        var rule = Assert.Single(ingress.Spec.Rules);
        Assert.Equal("health.k8s.cluster.local", rule.Host);
        Assert.Equal(ResourceNames.HealthApi, rule.Http.Paths.Single().Backend.Service.Name);
    }

    [Fact]
    public void TheL7AllowPoliciesAreExactlyTheReferenceGraph()
    {
        var grpcAllows = ManifestFiles.OfType<CiliumNetworkPolicy>()
            .SelectMany(policy => (policy.Spec.Ingress ?? []).Select(rule => (Policy: policy, Rule: rule)))
            .Where(entry => entry.Rule.ToPorts?.Any(port => port.Ports.Any(p => p.Port == "30000")) == true)
            .Select(entry =>
            {
                var http = Assert.Single(Assert.Single(entry.Rule.ToPorts!).Rules!.Http!);
                Assert.Equal("POST", http.Method);
                return (
                    Caller: Assert.Single(Assert.Single(entry.Rule.FromEndpoints!).MatchLabels).Value,
                    Callee: entry.Policy.Spec.EndpointSelector.MatchLabels["app"],
                    Path: http.Path);
            })
            .ToList();

        var expected = s_callGraph.Select(edge => (edge.Caller, edge.Callee, $"/{GrpcServiceNames.ByResource[edge.Callee]}/SayHello"));
        Assert.Equal(expected.Order(), grpcAllows.Order());
        Assert.Contains(grpcAllows, allow => allow.Path == "/recommendations.RecomendationsService/SayHello");
    }

    [Fact]
    public void EveryPodIsBehindDefaultDenyIngressAndEveryRuleAndsItsPeersWithItsPorts()
    {
        var policies = ManifestFiles.OfType<CiliumNetworkPolicy>().ToList();

        var deny = Assert.Single(policies, p => p.Metadata.Name == "default-deny-ingress");
        Assert.Empty(deny.Spec.EndpointSelector.MatchLabels ?? new Dictionary<string, string>());
        Assert.Empty(Assert.Single(deny.Spec.Ingress!).ToPorts ?? []);
        foreach (var rule in policies.Where(p => p != deny).SelectMany(p => (p.Spec.Ingress ?? []).Concat(p.Spec.Egress ?? [])))
        {
            Assert.NotEmpty(rule.ToPorts!);
            Assert.True((rule.FromEndpoints?.Count ?? 0) + (rule.FromEntities?.Count ?? 0) + (rule.ToEndpoints?.Count ?? 0) + (rule.ToFqdns?.Count ?? 0) > 0);
            Assert.All(rule.ToPorts!.SelectMany(p => p.Ports), port =>
            {
                Assert.InRange(int.Parse(port.Port, System.Globalization.CultureInfo.InvariantCulture), 1, 65535);
                Assert.Matches("^(TCP|UDP|ANY)$", port.Protocol);
            });
        }

        var prometheus = Assert.Single(policies, p => p.Metadata.Name == "metrics-from-prometheus").Spec.Ingress!.Single();
        Assert.Equal("prometheus", prometheus.FromEndpoints!.Single().MatchLabels["k8s:io.kubernetes.pod.namespace"]);
        var ingress = Assert.Single(policies, p => p.Metadata.Name == "health-api-from-ingress").Spec.Ingress!.Single();
        Assert.Equal(["ingress"], ingress.FromEntities);
        Assert.Contains(ingress.ToPorts!.Single().Rules!.Http!, rule => rule is { Method: "POST", Path: "/calculator" });
    }

    [Fact]
    public void EveryServiceMayResolveNamesAndExportTelemetry()
    {
        foreach (var service in s_services)
        {
            var egress = ManifestFiles.OfType<CiliumNetworkPolicy>().Single(p => p.Metadata.Name == $"{service}-egress").Spec.Egress!;
            var dns = egress[0];
            Assert.Equal("kube-dns", dns.ToEndpoints!.Single().MatchLabels["k8s-app"]);
            Assert.Equal("*", dns.ToPorts!.Single().Rules!.Dns!.Single().MatchPattern);
            Assert.Contains(egress, rule => rule.ToEndpoints?.Single().MatchLabels.TryGetValue("app", out var app) == true && app == KubernetesManifestGenerator.DashboardName
                && rule.ToPorts!.Single().Ports.Single().Port == "18889");
            var callees = egress.Skip(2).Select(rule => rule.ToEndpoints!.Single().MatchLabels["app"]);
            Assert.Equal(s_callGraph.Where(edge => edge.Caller == service).Select(edge => edge.Callee).Order(), callees.Order());
        }
    }
}
