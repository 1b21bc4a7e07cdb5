using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using NutritionAspire.Hosting.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// A model unlike the AppHost's: a container with an entrypoint, arguments, settings and two volumes; a secret and a
/// plain parameter; a project that addresses the container's endpoints, with arguments, probe timings and three
/// replicas; and a resource excluded from publishing. Rendered with <c>kubectl kustomize</c>, loaded strictly into the
/// typed models, and checked object by object, its policies as a graph.
/// </summary>
public sealed class SecondModelTests
{
    private const string SecretValue = "s3cr3t-value-never-written";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The model, with the secret's value given on the command line as a deployment would give it.</summary>
    public static IDistributedApplicationBuilder Model(string output, params string[] arguments)
    {
        var builder = Publishing.Builder(output, [$"--Parameters:api-key={SecretValue}", .. arguments]);
        builder.AddKubernetesEnvironment("shop")
            .WithImages(registry: "registry.example.org/shop", tag: "2.1.0")
            .WithIngressHost("shop.example.org");
        var apiKey = builder.AddParameter("api-key", secret: true);
        var featureFlag = builder.AddParameter("feature-flag", "on");

        var cache = builder.AddContainer("cache", "redis", "7.4")
            .WithEntrypoint("redis-server")
            .WithArgs("--appendonly", "yes", "--requirepass", apiKey)
            .WithEnvironment("CACHE_MODE", "primary")
            .WithVolume("cache-data", "/data")
            .WithAnnotation(new ContainerMountAnnotation(null, "/scratch", ContainerMountType.Volume, isReadOnly: false))
            .WithEndpoint(targetPort: 6379, name: "tcp")
            .WithHttpEndpoint(targetPort: 8001, name: "admin")
            .WithHttpRoutes("admin", HttpRoute.Get("/stats"))
            .WithHttpProbe(ProbeType.Readiness, "/ready", initialDelaySeconds: 3, periodSeconds: 7, timeoutSeconds: 4, failureThreshold: 6,
                successThreshold: 2, endpointName: "admin");

        builder.AddProject("api", "api/Api.csproj", launchProfileName: null)
            .WithHttpEndpoint(targetPort: 8080, name: "http")
            .WithExternalHttpEndpoints()
            .WithPublicRoutes(HttpRoute.Get("/items"))
            .WithEnvironment("CACHE_URL", cache.GetEndpoint("tcp"))
            .WithEnvironment("CACHE_CONNECTION", ReferenceExpression.Create($"{cache.GetEndpoint("tcp").Property(EndpointProperty.HostAndPort)},password={apiKey}"))
            .WithEnvironment("CACHE_URI", ReferenceExpression.Create($"redis://:{apiKey:uri}@{cache.GetEndpoint("tcp").Property(EndpointProperty.HostAndPort)}"))
            .WithEnvironment("ADMIN_STATS", ReferenceExpression.Create($"{cache.GetEndpoint("admin")}/stats"))
            .WithEnvironment("API_KEY", apiKey)
            .WithEnvironment("FEATURE_FLAG", featureFlag)
            .WithArgs("--mode", "serve", "--label", "$(not-a-variable)")
            .WithHttpProbe(ProbeType.Startup, "/health", initialDelaySeconds: 1, periodSeconds: 7, timeoutSeconds: 3, failureThreshold: 20, endpointName: "http")
            .WithReplicas(3)
            .PublishAsKubernetesService(workload => workload.Deployment.Spec.Template.Spec.PriorityClassName = "shop-critical");

        // Excluded: its bind mount, which would be refused, is never looked at.
        builder.AddContainer("debug-ui", "busybox", "1.36").WithBindMount("/var/log", "/logs").ExcludeFromManifest();
        return builder;
    }

    [Fact]
    public async Task EveryObjectFollowsTheModel()
    {
        var objects = await RenderAsync();

        Assert.Equal("shop", Assert.Single(objects.OfType<V1Namespace>()).Metadata.Name);
        Assert.All(objects, o => Assert.Equal("shop", o is V1Namespace ? "shop" : o.Metadata.NamespaceProperty));
        Assert.DoesNotContain(objects, o => o.Metadata.Name.StartsWith("debug-ui", StringComparison.Ordinal));

        var cache = Deployment(objects, "cache");
        var cacheContainer = Assert.Single(cache.Spec.Template.Spec.Containers);
        Assert.Equal("redis:7.4", cacheContainer.Image);
        Assert.Equal(["redis-server"], cacheContainer.Command);
        Assert.Equal(["--appendonly", "yes", "--requirepass", "$(PARAMETER_API_KEY)"], cacheContainer.Args);
        AssertReadsSecret(Assert.Single(cacheContainer.Env), "PARAMETER_API_KEY");
        Assert.Equal("cache-env", Assert.Single(cacheContainer.EnvFrom).ConfigMapRef.Name);
        Assert.Equal(new Dictionary<string, string> { ["CACHE_MODE"] = "primary" }, ConfigMap(objects, "cache-env").Data);
        // One pod writes its one disk: a fixed replica, replaced rather than rolled, and no autoscaler.
        Assert.Equal((1, "Recreate"), (cache.Spec.Replicas, cache.Spec.Strategy.Type));
        Assert.DoesNotContain(objects, o => o is V2HorizontalPodAutoscaler or V1PodDisruptionBudget && o.Metadata.Name == "cache");
        var volumes = cache.Spec.Template.Spec.Volumes.ToDictionary(v => v.Name);
        Assert.Equal("cache-data", volumes["data"].PersistentVolumeClaim.ClaimName);
        Assert.NotNull(volumes["scratch"].EmptyDir);
        Assert.Equal(["/tmp", "/data", "/scratch"], cacheContainer.VolumeMounts.Select(m => m.MountPath));
        var claim = Assert.Single(objects.OfType<V1PersistentVolumeClaim>());
        Assert.Equal(("cache-data", "ReadWriteOnce", "1Gi"), (claim.Metadata.Name, Assert.Single(claim.Spec.AccessModes), claim.Spec.Resources.Requests["storage"].ToString()));
        Assert.Equal([("admin", 8001, "TCP"), ("tcp", 6379, "TCP")], cacheContainer.Ports.Select(p => (p.Name, p.ContainerPort, p.Protocol)));
        Assert.Equal([("admin", 8001, "http"), ("tcp", 6379, (string?)null)],
            Service(objects, "cache").Spec.Ports.Select(p => (p.Name, p.Port, (string?)p.AppProtocol)).Order());
        var readiness = cacheContainer.ReadinessProbe;
        Assert.Equal(("/ready", "admin"), (readiness.HttpGet.Path, readiness.HttpGet.Port.Value));
        Assert.Equal((3, 7, 4, 6, 2), (readiness.InitialDelaySeconds, readiness.PeriodSeconds, readiness.TimeoutSeconds, readiness.FailureThreshold, readiness.SuccessThreshold));
        Assert.Null(cacheContainer.LivenessProbe);
        Assert.Equal((1654L, true, true), (cache.Spec.Template.Spec.SecurityContext.RunAsUser, cacheContainer.SecurityContext.ReadOnlyRootFilesystem, cacheContainer.SecurityContext.RunAsNonRoot));

        var api = Deployment(objects, "api");
        var apiContainer = Assert.Single(api.Spec.Template.Spec.Containers);
        Assert.Equal("registry.example.org/shop/api:2.1.0", apiContainer.Image);
        Assert.Null(apiContainer.Command);
        // Kubernetes expands $(NAME) in arguments; a literal one is escaped.
        Assert.Equal(["--mode", "serve", "--label", "$$(not-a-variable)"], apiContainer.Args);
        Assert.Equal("shop-critical", api.Spec.Template.Spec.PriorityClassName);
        var env = apiContainer.Env.ToDictionary(e => e.Name);
        // The dashboard's OTLP API key and its header first, then the model's secrets, each helper before the values that embed it.
        Assert.Equal(["DASHBOARD_OTLP_API_KEY", "OTEL_EXPORTER_OTLP_HEADERS", "PARAMETER_API_KEY", "PARAMETER_API_KEY_URI", "API_KEY", "CACHE_CONNECTION", "CACHE_URI"],
            apiContainer.Env.Select(e => e.Name));
        AssertReadsSecret(env["PARAMETER_API_KEY"], "PARAMETER_API_KEY");
        AssertReadsSecret(env["API_KEY"], "API_KEY");
        Assert.Equal("cache:6379,password=$(PARAMETER_API_KEY)", env["CACHE_CONNECTION"].Value);
        // The pod cannot URL-encode a Secret's value: the URL-encoded form is a key of the same Secret.
        AssertReadsSecret(env["PARAMETER_API_KEY_URI"], "PARAMETER_API_KEY_URI", key: "uri");
        Assert.Equal("redis://:$(PARAMETER_API_KEY_URI)@cache:6379", env["CACHE_URI"].Value);
        var apiSettings = ConfigMap(objects, "api-env").Data;
        Assert.Equal("tcp://cache:6379", apiSettings["CACHE_URL"]);
        Assert.Equal("http://cache:8001/stats", apiSettings["ADMIN_STATS"]);
        Assert.Equal("on", apiSettings["FEATURE_FLAG"]);
        Assert.Equal("8080", apiSettings["HTTP_PORTS"]);
        Assert.Equal(("http://aspire-dashboard:18889", "api"), (apiSettings["OTEL_EXPORTER_OTLP_ENDPOINT"], apiSettings["OTEL_SERVICE_NAME"]));
        Assert.DoesNotContain("API_KEY", apiSettings.Keys);
        Assert.Null(api.Spec.Replicas);
        var autoscaler = Assert.Single(objects.OfType<V2HorizontalPodAutoscaler>());
        Assert.Equal(("api", 3, 15), (autoscaler.Spec.ScaleTargetRef.Name, autoscaler.Spec.MinReplicas, autoscaler.Spec.MaxReplicas));
        Assert.Equal("api", Assert.Single(objects.OfType<V1PodDisruptionBudget>()).Metadata.Name);
        var startup = apiContainer.StartupProbe;
        Assert.Equal((1, 7, 3, 20, 1), (startup.InitialDelaySeconds, startup.PeriodSeconds, startup.TimeoutSeconds, startup.FailureThreshold, startup.SuccessThreshold));
        var ingress = Assert.Single(objects.OfType<V1Ingress>());
        Assert.Equal(("shop.example.org", "api", "http"),
            (ingress.Spec.Rules[0].Host, ingress.Spec.Rules[0].Http.Paths[0].Backend.Service.Name, ingress.Spec.Rules[0].Http.Paths[0].Backend.Service.Port.Name));
        Assert.Empty(objects.OfType<ServiceMonitor>());
    }

    [Fact]
    public async Task TheSecretsValueIsNowhereInTheOutput()
    {
        using var output = new TemporaryDirectory();

        var outcome = await Publishing.RunAsync(Model(output.Path), output.Path, Cancellation);

        Assert.True(outcome.Succeeded, outcome.Log);
        Assert.DoesNotContain(outcome.Tree, file => file.Value.Contains(SecretValue, StringComparison.Ordinal));
        Assert.DoesNotContain(SecretValue, outcome.Log, StringComparison.Ordinal);
        // The pods read it from a Secret the cluster holds: the output has no Secret object, only references to it.
        Assert.DoesNotContain(outcome.Tree.Values, yaml => yaml.Contains("kind: Secret\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThePoliciesAdmitExactlyTheReferencesOfTheModel()
    {
        var objects = await RenderAsync();
        var policies = objects.OfType<CiliumNetworkPolicy>().ToList();

        // Every ingress flow: (from, to, port, L7 rules).
        var admitted = policies.Where(p => p.Metadata.Name != "default-deny-ingress")
            .SelectMany(policy => (policy.Spec.Ingress ?? []).SelectMany(rule => rule.ToPorts!.SelectMany(port => port.Ports.Select(p =>
                (From: Peer(rule), To: policy.Spec.EndpointSelector.MatchLabels["app"], Port: p.Port,
                    Rules: string.Join(" ", port.Rules?.Http?.Select(http => $"{http.Method} {http.Path}") ?? []))))))
            .Order()
            .ToList();
        Assert.Equal(
        [
            ("app=api", "aspire-dashboard", "18889", ""),
            ("app=api", "cache", "6379", ""),
            ("app=api", "cache", "8001", @"GET /stats(\?.*)?"),
            ("ingress", "api", "8080", @"GET /items(\?.*)?"),
        ], admitted);

        // Every egress flow: DNS for both, telemetry for the project only, the container's two ports for the project.
        var egress = policies.Where(p => p.Spec.Egress is not null).ToDictionary(p => p.Spec.EndpointSelector.MatchLabels["app"], p => p.Spec.Egress!
            .Select(rule => (To: rule.ToEndpoints![0].MatchLabels.TryGetValue("app", out var app) ? app : "kube-dns", Ports: string.Join(",", rule.ToPorts!.SelectMany(p => p.Ports).Select(p => p.Port))))
            .ToList());
        Assert.Equal([("kube-dns", "53"), ("aspire-dashboard", "18889"), ("cache", "8001,6379")], egress["api"]);
        Assert.Equal([("kube-dns", "53")], egress["cache"]);
        Assert.Equal(["api-egress", "api-from-ingress", "aspire-dashboard-otlp", "cache-egress", "cache-from-api", "default-deny-ingress"],
            policies.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>The model published, rendered by kustomize, and loaded strictly into the typed models.</summary>
    private static async Task<IReadOnlyList<IKubernetesObject<V1ObjectMeta>>> RenderAsync()
    {
        using var output = new TemporaryDirectory();
        var outcome = await Publishing.RunAsync(Model(output.Path), output.Path, Cancellation);
        Assert.True(outcome.Succeeded, outcome.Log);
        return ManifestFiles.LoadStrictly(await Kubectl.KustomizeAsync(output.Path, Cancellation));
    }

    private static void AssertReadsSecret(V1EnvVar variable, string name, string key = "value")
    {
        Assert.Equal(name, variable.Name);
        Assert.Null(variable.Value);
        Assert.Equal(("api-key", key), (variable.ValueFrom.SecretKeyRef.Name, variable.ValueFrom.SecretKeyRef.Key));
    }

    private static string Peer(CiliumRule rule) => rule.FromEntities?.Single()
        ?? string.Join(",", rule.FromEndpoints!.SelectMany(selector =>
            (selector.MatchLabels ?? (IDictionary<string, string>)new Dictionary<string, string>()).Select(label => $"{label.Key}={label.Value}")
                .Concat((selector.MatchExpressions ?? []).Select(e => $"{e.Key}={string.Join("|", e.Values)}"))));

    private static V1Deployment Deployment(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects, string name) =>
        Assert.Single(objects.OfType<V1Deployment>(), d => d.Metadata.Name == name);

    private static V1Service Service(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects, string name) =>
        Assert.Single(objects.OfType<V1Service>(), s => s.Metadata.Name == name);

    private static V1ConfigMap ConfigMap(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects, string name) =>
        Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name == name);
}
