using System.Globalization;
using NutritionAspire.Tests;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// The committed <c>manifests/kubernetes</c>: a fresh publish of the AppHost's model, and, read with a YAML parser of its
/// own, every object valid for its kind, hardened, and no wider than the model.
/// </summary>
public sealed class CommittedTreeTests
{
    /// <summary>The seven services of docs/contract.md §1, written out rather than taken from the code under test.</summary>
    private static readonly string[] s_services =
    [
        "health-api", "bmr-grpc", "imc-grpc", "recommendations-grpc", "water-grpc", "proteins-grpc", "calories-grpc",
    ];

    /// <summary>The call graph of docs/contract.md §1 with the gRPC method path of docs/contract.md §2 each call sends, written out.</summary>
    private static readonly (string Caller, string Callee, string Path)[] s_callGraph =
    [
        ("health-api", "bmr-grpc", "/bmr.BMRService/SayHello"),
        ("health-api", "imc-grpc", "/imc.IMCService/SayHello"),
        ("health-api", "recommendations-grpc", "/recommendations.RecomendationsService/SayHello"),
        ("recommendations-grpc", "water-grpc", "/water.WaterService/SayHello"),
        ("recommendations-grpc", "proteins-grpc", "/proteins.ProteinsService/SayHello"),
        ("recommendations-grpc", "calories-grpc", "/calories.CaloriesService/SayHello"),
    ];

    private static readonly string[] s_peers = ["fromEndpoints", "fromEntities", "toEndpoints", "toFQDNs"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheCommittedTreeEqualsAFreshPublishOfTheAppHost()
    {
        using var output = new TemporaryDirectory();

        var outcome = await Publishing.AppHostAsync(Path.Combine(output.Path, "kubernetes"), [], Cancellation);

        Assert.True(outcome.Succeeded, outcome.Log);
        var committed = Repository.ReadTree(Repository.KubernetesManifests);
        var drift = outcome.Tree.Keys.Union(committed.Keys)
            .Where(file => outcome.Tree.GetValueOrDefault(file) != committed.GetValueOrDefault(file))
            .ToList();
        Assert.True(drift.Count == 0,
            $"manifests/kubernetes is out of date ({string.Join(", ", drift)}). Regenerate it with: {Repository.RegenerateCommand}");
    }

    [Fact]
    public void EveryObjectHasAKindAValidNameAndNoNamespaceOfItsOwn()
    {
        foreach (var (file, document) in ManifestFiles.Documents())
        {
            Assert.False(string.IsNullOrEmpty(document.Text("apiVersion")), file);
            Assert.False(string.IsNullOrEmpty(document.Kind()), file);
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", document.Name());
            // The kustomization's namespace applies to all, so an overlay may change it.
            Assert.Null(document.At("metadata.namespace"));
            Assert.Equal("nutrition-aspire", document.Map("metadata.labels").GetValueOrDefault("app.kubernetes.io/part-of"));
        }
    }

    [Fact]
    public void EveryKustomizationHasApiVersionAndKindAndListsEveryFileOfItsFolder()
    {
        var kustomizations = ManifestFiles.Tree.Where(file => file.Key.EndsWith("kustomization.yaml", StringComparison.Ordinal)).ToList();

        // One in every folder of the tree, the root included.
        Assert.Equal(ManifestFiles.Tree.Keys.Select(FolderOf).Distinct().Order(StringComparer.Ordinal),
            kustomizations.Select(k => FolderOf(k.Key)).Order(StringComparer.Ordinal));
        foreach (var (path, content) in kustomizations)
        {
            var kustomization = YamlDocuments.LoadOne(content);
            Assert.Equal("kustomize.config.k8s.io/v1beta1", kustomization.Text("apiVersion"));
            Assert.Equal("Kustomization", kustomization.Kind());
            var folder = FolderOf(path);
            var expected = ManifestFiles.Tree.Keys
                .Where(file => file != path && FolderOf(file) == folder)
                .Select(Path.GetFileName)
                .Concat(folder.Length == 0 ? ManifestFiles.Tree.Keys.Where(f => f.Contains('/', StringComparison.Ordinal)).Select(f => f.Split('/')[0]).Distinct() : [])
                .Order(StringComparer.Ordinal);
            Assert.Equal(expected, kustomization.Items("resources").Select(item => ((YamlScalarNode)item).Value).Order(StringComparer.Ordinal));
        }

        Assert.Equal("nutrition", YamlDocuments.LoadOne(ManifestFiles.Tree["kustomization.yaml"]).Text("namespace"));
    }

    [Fact]
    public void EveryServiceHasItsObjects()
    {
        foreach (var service in s_services)
        {
            foreach (var kind in new[] { "Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ServiceMonitor" })
            {
                ManifestFiles.Named(kind, service);
            }

            ManifestFiles.Named("ConfigMap", $"{service}-env");
            Assert.Equal(service, ManifestFiles.Named("HorizontalPodAutoscaler", service).Text("spec.scaleTargetRef.name"));
            Assert.Equal("/metrics", ManifestFiles.Named("ServiceMonitor", service).Text("spec.endpoints[0].path"));
        }

        ManifestFiles.Named("Namespace", "nutrition");
        ManifestFiles.Named("Deployment", "aspire-dashboard");
    }

    [Fact]
    public void EveryDeploymentHasProbesLimitsAndTheRestrictedSecurityContext()
    {
        foreach (var deployment in ManifestFiles.OfKind("Deployment"))
        {
            var pod = deployment.At("spec.template.spec")!;
            var container = Assert.Single(pod.Items("containers"));
            Assert.Equal(deployment.Name(), container.Text("name"));
            Assert.All(["startupProbe", "readinessProbe", "livenessProbe"], probe => Assert.NotNull(container.At(probe)));
            Assert.All(["cpu", "memory"], resource =>
            {
                Assert.NotNull(container.Text($"resources.requests.{resource}"));
                Assert.NotNull(container.Text($"resources.limits.{resource}"));
            });
            Assert.Equal("false", pod.Text("automountServiceAccountToken"));
            Assert.Equal("true", pod.Text("securityContext.runAsNonRoot"));
            Assert.Equal("RuntimeDefault", pod.Text("securityContext.seccompProfile.type"));
            Assert.Equal("false", container.Text("securityContext.allowPrivilegeEscalation"));
            Assert.Equal("true", container.Text("securityContext.readOnlyRootFilesystem"));
            Assert.Equal("true", container.Text("securityContext.runAsNonRoot"));
            Assert.Equal(["ALL"], container.Items("securityContext.capabilities.drop").Select(item => ((YamlScalarNode)item).Value));
            var tmp = Assert.Single(container.Items("volumeMounts"), mount => mount.Text("mountPath") == "/tmp");
            Assert.NotNull(Assert.Single(pod.Items("volumes"), volume => volume.Text("name") == tmp.Text("name")).At("emptyDir"));
        }
    }

    [Fact]
    public void ServiceDeploymentsFollowTheModel()
    {
        foreach (var name in s_services)
        {
            var deployment = ManifestFiles.Named("Deployment", name);
            var container = deployment.At("spec.template.spec.containers[0]")!;
            // The autoscaler owns the replica count; kubectl apply must not reset a scaled-out Deployment.
            Assert.Null(deployment.At("spec.replicas"));
            var autoscaler = ManifestFiles.Named("HorizontalPodAutoscaler", name);
            Assert.Equal(("Deployment", "2"), (autoscaler.Text("spec.scaleTargetRef.kind"), autoscaler.Text("spec.minReplicas")));
            Assert.True(int.Parse(autoscaler.Text("spec.maxReplicas")!, CultureInfo.InvariantCulture) > 2);
            // One voluntary eviction at a time: a drain proceeds, and one of the minimum two keeps serving.
            var budget = ManifestFiles.Named("PodDisruptionBudget", name);
            Assert.Equal("1", budget.Text("spec.maxUnavailable"));
            Assert.Null(budget.At("spec.minAvailable"));
            Assert.Equal("AlwaysAllow", budget.Text("spec.unhealthyPodEvictionPolicy"));
            Assert.Equal("RollingUpdate", deployment.Text("spec.strategy.type"));
            Assert.Equal($"nutritionaspire/{name}:1.0.0", container.Text("image"));
            Assert.Equal(["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
                deployment.Items("spec.template.spec.topologySpreadConstraints").Select(c => c.Text("topologyKey")));
            var readiness = name == ResourceNames.HealthApi ? "/readiness" : "/healthz";
            Assert.Equal(readiness, container.Text("readinessProbe.httpGet.path"));
            Assert.Equal(readiness, container.Text("startupProbe.httpGet.path"));
            Assert.Equal(name == ResourceNames.HealthApi ? "/liveness" : "/healthz", container.Text("livenessProbe.httpGet.path"));
            Assert.Equal("http", container.Text("readinessProbe.httpGet.port"));
            // The timings the AppHost declares, every one of them.
            Assert.Equal(("0", "2", "2", "30", "1"), Timings(container.At("startupProbe")!));
            Assert.Equal(("0", "5", "2", "3", "1"), Timings(container.At("readinessProbe")!));
            Assert.Equal(("0", "10", "2", "3", "1"), Timings(container.At("livenessProbe")!));
        }
    }

    [Fact]
    public void GrpcServicesExposeH2cWithPerRequestBalancingAndHttpForMetrics()
    {
        foreach (var service in ManifestFiles.OfKind("Service").Where(s => s.Name().EndsWith("-grpc", StringComparison.Ordinal)))
        {
            Assert.Equal("ClusterIP", service.Text("spec.type"));
            Assert.Equal("enabled", service.Map("metadata.annotations")["service.cilium.io/lb-l7"]);
            var grpc = Assert.Single(service.Items("spec.ports"), port => port.Text("name") == "grpc");
            Assert.Equal(("30000", "kubernetes.io/h2c"), (grpc.Text("port"), grpc.Text("appProtocol")));
            Assert.Equal("8080", Assert.Single(service.Items("spec.ports"), port => port.Text("name") == "http").Text("port"));
        }

        var api = Assert.Single(ManifestFiles.Named("Service", ResourceNames.HealthApi).Items("spec.ports"));
        Assert.Equal(("8080", "http", "http"), (api.Text("port"), api.Text("name"), api.Text("appProtocol")));
    }

    [Fact]
    public void ConfigMapsCarryTheModelsSettingsAndNoSecrets()
    {
        var recommendations = ManifestFiles.Named("ConfigMap", "recommendations-grpc-env").Map("data");

        Assert.Equal("http://water-grpc:30000", recommendations["services__water-grpc__grpc__0"]);
        Assert.Equal("http://aspire-dashboard:18889", recommendations["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("recommendations-grpc", recommendations["OTEL_SERVICE_NAME"]);
        // What the model sets in publish mode, mapped rather than dropped: each Kestrel endpoint on its container port.
        Assert.Equal("http://*:30000", recommendations["Kestrel__Endpoints__grpc__Url"]);
        Assert.Equal("http://*:8080", recommendations["Kestrel__Endpoints__http__Url"]);
        // Only the gRPC endpoint is referenced: the callers are handed no address of the services' health port.
        Assert.DoesNotContain(recommendations.Keys, key => key.StartsWith("services__", StringComparison.Ordinal) && key.Contains("__http__", StringComparison.Ordinal));
        Assert.All(ManifestFiles.OfKind("ConfigMap").SelectMany(c => c.Map("data").Keys), key =>
            Assert.DoesNotMatch("(?i)password|secret|token|connectionstring", key));
    }

    [Fact]
    public void EveryServiceSamplesTracesAtTheClustersRatioFollowingItsCaller()
    {
        foreach (var service in NutritionServices.All)
        {
            var settings = ManifestFiles.Named("ConfigMap", $"{service}-env").Map("data");
            Assert.Equal("parentbased_traceidratio", settings["OTEL_TRACES_SAMPLER"]);
            Assert.Equal("0.1", settings["OTEL_TRACES_SAMPLER_ARG"]);
        }
    }

    [Fact]
    public void TheGrafanaDashboardsShipAsSidecarConfigMapsFromTheSameFiles()
    {
        var dashboards = ManifestFiles.OfKind("ConfigMap").Where(c => c.Map("metadata.labels").ContainsKey("grafana_dashboard")).ToList();

        Assert.Equal(Directory.EnumerateFiles(Dashboards.Folder, "*.json").Count(), dashboards.Count);
        foreach (var file in Directory.EnumerateFiles(Dashboards.Folder, "*.json"))
        {
            var name = Path.GetFileName(file);
            var configMap = Assert.Single(dashboards, c => c.Map("data").ContainsKey(name));
            Assert.Equal("1", configMap.Map("metadata.labels")["grafana_dashboard"]);
            Assert.Equal("NutritionAspire", configMap.Map("metadata.annotations")["grafana_folder"]);
            Assert.Equal(File.ReadAllText(file).ReplaceLineEndings("\n"), configMap.Map("data")[name]);
        }
    }

    [Fact]
    public void HealthApiIsPublishedThroughTheCiliumIngress()
    {
        var ingress = Assert.Single(ManifestFiles.OfKind("Ingress"));

        Assert.Equal("cilium", ingress.Text("spec.ingressClassName"));
        var rule = Assert.Single(ingress.Items("spec.rules"));
        Assert.Equal("health.k8s.cluster.local", rule.Text("host"));
        Assert.Equal(ResourceNames.HealthApi, rule.Text("http.paths[0].backend.service.name"));
    }

    [Fact]
    public void TheL7AllowPoliciesAreExactlyTheReferenceGraphWithEscapedMethodPaths()
    {
        var grpcAllows = ManifestFiles.OfKind("CiliumNetworkPolicy")
            .SelectMany(policy => policy.Items("spec.ingress").Select(rule => (Policy: policy, Rule: rule)))
            .Where(entry => entry.Rule.Text("toPorts[0].ports[0].port") == "30000")
            .Select(entry =>
            {
                var http = Assert.Single(entry.Rule.Items("toPorts[0].rules.http"));
                Assert.Equal("POST", http.Text("method"));
                return (
                    Caller: Assert.Single(entry.Rule.Items("fromEndpoints")).Map("matchLabels")["app"],
                    Callee: entry.Policy.Map("spec.endpointSelector.matchLabels")["app"],
                    Path: http.Text("path")!);
            })
            .ToList();

        Assert.Equal(s_callGraph.Select(edge => (edge.Caller, edge.Callee, edge.Path.Replace(".", "\\.", StringComparison.Ordinal))).Order(), grpcAllows.Order());
    }

    [Fact]
    public void EveryPodIsBehindDefaultDenyIngressAndEveryRuleAndsItsPeersWithItsPorts()
    {
        var policies = ManifestFiles.OfKind("CiliumNetworkPolicy").ToList();

        var deny = Assert.Single(policies, p => p.Name() == "default-deny-ingress");
        Assert.Empty(deny.Map("spec.endpointSelector.matchLabels"));
        Assert.Empty(Assert.Single(deny.Items("spec.ingress")).Items("toPorts"));
        foreach (var rule in policies.Where(p => p != deny).SelectMany(p => p.Items("spec.ingress").Concat(p.Items("spec.egress"))))
        {
            Assert.NotEmpty(rule.Items("toPorts"));
            Assert.NotEmpty(s_peers.SelectMany(peer => rule.Items(peer)));
            Assert.All(rule.Items("toPorts").SelectMany(p => p.Items("ports")), port =>
            {
                Assert.InRange(int.Parse(port.Text("port")!, CultureInfo.InvariantCulture), 1, 65535);
                Assert.Matches("^(TCP|UDP|ANY)$", port.Text("protocol"));
            });
        }

        foreach (var service in s_services)
        {
            var prometheus = Assert.Single(policies, p => p.Name() == $"{service}-from-prometheus").At("spec.ingress[0]")!;
            Assert.Equal("prometheus", prometheus.Map("fromEndpoints[0].matchLabels")["k8s:io.kubernetes.pod.namespace"]);
            Assert.Equal(("8080", "GET", "/metrics"),
                (prometheus.Text("toPorts[0].ports[0].port"), prometheus.Text("toPorts[0].rules.http[0].method"), prometheus.Text("toPorts[0].rules.http[0].path")));
        }

        var ingress = Assert.Single(policies, p => p.Name() == "health-api-from-ingress").At("spec.ingress[0]")!;
        Assert.Equal("ingress", ingress.Text("fromEntities[0]"));
        Assert.Contains(ingress.Items("toPorts[0].rules.http"), rule => rule.Text("method") == "POST" && rule.Text("path") == "/calculator(\\?.*)?");
    }

    [Fact]
    public void EveryServiceMayResolveNamesExportTelemetryAndReachWhatItCallsOnly()
    {
        foreach (var service in s_services)
        {
            var egress = ManifestFiles.Named("CiliumNetworkPolicy", $"{service}-egress").Items("spec.egress");
            Assert.Equal("kube-dns", egress[0].Map("toEndpoints[0].matchLabels")["k8s-app"]);
            Assert.Equal("*", egress[0].Text("toPorts[0].rules.dns[0].matchPattern"));
            Assert.Equal(("aspire-dashboard", "18889"), (egress[1].Map("toEndpoints[0].matchLabels")["app"], egress[1].Text("toPorts[0].ports[0].port")));
            var callees = egress.Skip(2).Select(rule => (rule.Map("toEndpoints[0].matchLabels")["app"], rule.Text("toPorts[0].ports[0].port")));
            Assert.Equal(s_callGraph.Where(edge => edge.Caller == service).Select(edge => (edge.Callee, (string?)"30000")).Order(), callees.Order());
        }
    }

    private static (string?, string?, string?, string?, string?) Timings(YamlNode probe) => (
        probe.Text("initialDelaySeconds"), probe.Text("periodSeconds"), probe.Text("timeoutSeconds"),
        probe.Text("failureThreshold"), probe.Text("successThreshold"));

    private static string FolderOf(string path) => Path.GetDirectoryName(path)!.Replace('\\', '/');
}
