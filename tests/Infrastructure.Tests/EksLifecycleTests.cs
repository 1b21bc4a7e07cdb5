using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NutritionAspire.Tests;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>
/// <c>manifests/eks</c> comes up working and goes away clean, against the pinned modules and charts: the install
/// order, the security group the load balancer controller opens, a source for every autoscaler metric, no scrape of
/// what EKS lacks, a destroy that deletes the ingress NLB, a Kubernetes version in standard support that every chart
/// supports, and files as <c>fmt</c> writes them.
/// </summary>
public sealed partial class EksLifecycleTests
{
    private const string ControllerChart = "aws-load-balancer-controller";
    private const string ClusterTag = "kubernetes.io/cluster/${var.cluster_name}";

    /// <summary>What can run <c>fmt -check</c> on the folder: OpenTofu, or Terraform, whose formatting it shares.</summary>
    private static readonly string[] s_formatters = ["tofu", "terraform"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryReleaseThatCreatesServicesIsInstalledAfterTheLoadBalancerController()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var graph = DependencyGraph.Of(files);
        var releases = Releases(files).ToList();
        var controller = Assert.Single(releases, r => r.Chart == ControllerChart);

        // The controller's chart registers a mutating webhook on Service CREATE with failurePolicy Fail (templates/
        // webhook.yaml, enableServiceMutatorWebhook on by default): until its pods answer, every new Service is refused.
        // Its release waits for those pods, so whatever comes after it finds the webhook answering.
        Assert.True(controller.Kinds.Creates("MutatingWebhookConfiguration"), $"{controller.Kinds} no longer registers a mutating webhook: review this check.");
        Assert.True(Waits(controller.Body), $"{controller.Block} must wait for its pods, or the releases after it meet a webhook that does not answer yet.");

        // A release the controller itself comes after (Cilium) creates its Services before the webhook exists.
        var unordered = releases
            .Where(r => r != controller && r.Kinds.CreatesServices)
            .Where(r => !graph.DependsOn(r.Block, controller.Block) && !graph.DependsOn(controller.Block, r.Block))
            .Select(r => $"{r.Block} ({r.Kinds}) creates Services but is not ordered after {controller.Block}")
            .ToList();
        Assert.True(unordered.Count == 0, string.Join(Environment.NewLine, unordered));
    }

    [Fact]
    public async Task EveryReleaseAndAddonThatWaitsForPodsComesAfterTheNodesAndCoreDns()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var graph = DependencyGraph.Of(files);
        var nodes = "module." + EksFolder.Modules(files)
            .Single(m => m.Body.GetProperty("source").GetString()!.EndsWith("//modules/eks-managed-node-group", StringComparison.Ordinal)).Name;
        var addons = EksFolder.Resources(files, "aws_eks_addon").ToDictionary(a => a.Body.GetProperty("addon_name").GetString()!, a => $"aws_eks_addon.{a.Name}");
        var coreDns = addons["coredns"];

        var early = Releases(files)
            .Where(r => Waits(r.Body) && r.Kinds.RunsPods)
            .SelectMany(r => new[] { nodes, coreDns }.Where(before => !graph.DependsOn(r.Block, before))
                .Select(before => $"{r.Block} waits for the pods of {r.Kinds} but is not ordered after {before}"))
            .ToList();

        // An add-on is created when its pods are ready. The Pod Identity agent is the exception that must come before
        // the nodes: a host-network DaemonSet tolerating every taint, ready with no node, whose credentials the Cilium
        // operator needs to give the first pods addresses.
        early.AddRange(addons.Where(addon => addon.Key != "eks-pod-identity-agent" && !graph.DependsOn(addon.Value, nodes))
            .Select(addon => $"{addon.Value} ({addon.Key}) runs pods but is not ordered after {nodes}"));
        Assert.True(early.Count == 0, string.Join(Environment.NewLine, early));
    }

    [Fact]
    public async Task ExactlyOneSecurityGroupOnTheNodesCarriesTheClusterTag()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var modules = EksFolder.Modules(files).ToDictionary(m => m.Name, m => m.Body);
        var eks = modules.Single(m => m.Value.GetProperty("source").GetString() == "terraform-aws-modules/eks/aws").Value;
        var nodes = modules.Single(m => m.Value.GetProperty("source").GetString()!.EndsWith("//modules/eks-managed-node-group", StringComparison.Ordinal)).Value;
        Assert.Equal("20.37.2", nodes.GetProperty("version").GetString());

        // eks 20.37.2, modules/eks-managed-node-group/main.tf: the launch template's groups are the cluster primary
        // security group (when cluster_primary_security_group_id is set) and vpc_security_group_ids. EKS tags the
        // primary group kubernetes.io/cluster/<name> = owned; node_groups.tf tags the module's node security group the
        // same, merged with node_security_group_tags. The controller needs exactly one tagged group on a node's ENI.
        var tagged = new List<string>();
        if (nodes.TryGetProperty("cluster_primary_security_group_id", out var primary) && primary.ValueKind != JsonValueKind.Null)
        {
            Assert.Equal("${module.eks.cluster_primary_security_group_id}", primary.GetString());
            tagged.Add("the cluster primary security group (tagged by EKS)");
        }

        var groups = nodes.TryGetProperty("vpc_security_group_ids", out var ids) ? ids.EnumerateArray().Select(id => id.GetString()!).ToList() : [];
        foreach (var group in groups)
        {
            Assert.True(group == "${module.eks.node_security_group_id}", $"The node group attaches {group}, whose tags this check does not know: add them.");
            var created = !eks.TryGetProperty("create_node_security_group", out var create) || create.GetBoolean();
            var untagged = eks.TryGetProperty("node_security_group_tags", out var tags) && tags.TryGetProperty(ClusterTag, out var value)
                && value.ValueKind == JsonValueKind.Null;
            if (created && !untagged)
            {
                tagged.Add("the module's node security group (tagged by the module)");
            }
        }

        Assert.True(tagged.Count == 1,
            $"The load balancer controller needs exactly one security group tagged {ClusterTag} on each node, and finds {tagged.Count}: " +
            string.Join(", ", tagged));
    }

    [Fact]
    public async Task EveryAutoscalerMetricHasASource()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var autoscalers = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "manifests", "kubernetes"), "*.yaml", SearchOption.AllDirectories)
            .SelectMany(file => Documents(file).Select(document => (File: Path.GetRelativePath(RepositoryPaths.Root, file), Document: document)))
            .Where(manifest => EksFolder.Scalar(manifest.Document, "kind") == "HorizontalPodAutoscaler")
            .ToList();
        Assert.NotEmpty(autoscalers);

        // What serves each metrics API in the cluster: metrics-server the resource metrics, an adapter the others.
        var installed = EksFolder.Resources(files, "aws_eks_addon").Select(a => a.Body.GetProperty("addon_name").GetString()!)
            .Concat(EksFolder.Resources(files, "helm_release").Select(r => r.Body.GetProperty("chart").GetString()!)).ToHashSet();
        var servers = new Dictionary<string, string[]>
        {
            ["metrics.k8s.io"] = ["metrics-server", "prometheus-adapter"],
            ["custom.metrics.k8s.io"] = ["prometheus-adapter"],
            ["external.metrics.k8s.io"] = ["prometheus-adapter", "keda"],
        };

        var missing = new List<string>();
        foreach (var (file, autoscaler) in autoscalers)
        {
            var metrics = Assert.IsType<YamlSequenceNode>(EksFolder.Node(autoscaler, "spec.metrics"), exactMatch: false);
            foreach (var metric in metrics.Cast<YamlMappingNode>())
            {
                var type = EksFolder.Scalar(metric, "type");
                var api = type switch
                {
                    "Resource" or "ContainerResource" => "metrics.k8s.io",
                    "Pods" or "Object" => "custom.metrics.k8s.io",
                    "External" => "external.metrics.k8s.io",
                    _ => throw new InvalidOperationException($"{file}: metric type {type} is not one this check knows."),
                };
                if (!servers[api].Any(installed.Contains))
                {
                    missing.Add($"{file}: a {type} metric reads {api}, which nothing installs ({string.Join(" or ", servers[api])})");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public async Task KubePrometheusStackWatchesNothingEksLacks()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var release = Assert.Single(Releases(files), r => r.Chart == "kube-prometheus-stack");
        var chart = ChartDefaults.Load(release.Chart, release.Version);
        var values = EksFolder.LoadValues("kube-prometheus-stack.yaml");
        Assert.Equal("true", EksFolder.Scalar(EksFolder.LoadValues("cilium.yaml"), "kubeProxyReplacement"));

        (string Component, string Why)[] absent =
        [
            ("kubeProxy", "there is no kube-proxy: Cilium replaces it"),
            ("kubeControllerManager", "EKS runs the controller manager outside the cluster, with no metrics endpoint to scrape"),
            ("kubeScheduler", "EKS runs the scheduler outside the cluster, with no metrics endpoint to scrape"),
            ("kubeEtcd", "EKS runs etcd outside the cluster's reach"),
        ];

        var on = new List<string>();
        foreach (var (component, why) in absent)
        {
            // The switch gates the component's scrape and its alert rules (templates/prometheus/rules-1.14 at the pin).
            Assert.True(chart.Default($"{component}.enabled") is not null, $"{chart} has no {component}.enabled: review this check.");
            if (chart.Effective(values, $"{component}.enabled") != "false")
            {
                on.Add($"{component} is on, but {why}: its target is never up and its alerts fire forever");
            }
        }

        Assert.True(on.Count == 0, string.Join(Environment.NewLine, on));
    }

    [Fact]
    public async Task DestroyDeletesTheIngressLoadBalancerBeforeTheController()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var graph = DependencyGraph.Of(files);
        var releases = Releases(files).ToList();
        var controller = Assert.Single(releases, r => r.Chart == ControllerChart);
        var cilium = Assert.Single(releases, r => r.Chart == "cilium");
        var ciliumValues = EksFolder.LoadValues("cilium.yaml");
        var ciliumChart = ChartDefaults.Load(cilium.Chart, cilium.Version);

        // The NLB belongs to the Service Cilium's chart renders for its shared ingress (templates/cilium-ingress-service.yaml).
        Assert.Equal("true", ciliumChart.Effective(ciliumValues, "ingressController.enabled"));
        Assert.Equal("LoadBalancer", ciliumChart.Effective(ciliumValues, "ingressController.service.type"));
        var service = ciliumChart.Effective(ciliumValues, "ingressController.service.name");
        var namespaces = new[] { $"${{{cilium.Block}.namespace}}", cilium.Body.GetProperty("namespace").GetString() };

        var steps = DestroySteps(files)
            .Where(step => DeletesService(step.Command, service!, namespaces))
            .ToList();
        Assert.True(steps.Count == 1,
            $"The NLB of the {service} Service is the controller's to delete: exactly one destroy-time step must delete the Service " +
            $"and wait for it before the controller goes (found {steps.Count}); otherwise the NLB and its security groups stay and the VPC cannot be deleted.");
        var step = steps[0];
        // Destroy runs in reverse order: a step that depends on the controller runs while the controller still does.
        Assert.True(graph.DependsOn(step.Block, controller.Block), $"{step.Block} must depend on {controller.Block}, so destroy runs it first.");
        Assert.True(graph.DependsOn(step.Block, cilium.Block), $"{step.Block} must depend on {cilium.Block}, whose Service it deletes.");

        var teardown = ReadmeSection("## Tear down and cost");
        Assert.Contains(service!, teardown, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?i)delet\w* the ingress[^.]*(so|and) the controller deletes the NLB", teardown);
    }

    [Fact]
    public async Task TheKubernetesVersionIsInStandardSupportAndEveryPinnedChartSupportsIt()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var calendar = DataRows("eks-kubernetes-versions.tsv").ToDictionary(row => row[0], row => DateOnly.Parse(row[1], CultureInfo.InvariantCulture));
        var compatibility = DataRows("kubernetes-compatibility.tsv").ToDictionary(row => (row[0], row[1]), row => row[2]);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var problems = new List<string>();
        var versions = VariableSets.Of(files).Where(set => set.Values.ContainsKey("kubernetes_version"))
            .GroupBy(set => set.Values["kubernetes_version"], set => set.Label).ToList();
        Assert.NotEmpty(versions);
        foreach (var version in versions)
        {
            var where = $"kubernetes_version {version.Key} ({string.Join(", ", version)})";
            if (!calendar.TryGetValue(version.Key, out var standardUntil))
            {
                problems.Add($"{where} is not in Upstream/eks-kubernetes-versions.tsv");
            }
            else if (standardUntil <= today)
            {
                problems.Add($"{where} left EKS standard support on {standardUntil:yyyy-MM-dd}: EKS bills extended support; move to a version in standard support");
            }

            foreach (var release in Releases(files))
            {
                if (!compatibility.TryGetValue((release.Chart, release.Version), out var supported))
                {
                    problems.Add($"{release.Chart} {release.Version} has no line in Upstream/kubernetes-compatibility.tsv");
                }
                else if (!Supports(supported, version.Key))
                {
                    problems.Add($"{where}: {release.Chart} {release.Version} supports Kubernetes {supported}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

        // The README's cost line names the default version and the day its standard support ends.
        var defaultVersion = EksFolder.Variables(files).Single(v => v.Name == "kubernetes_version").Body.GetProperty("default").GetString()!;
        var cost = ReadmeSection("## Tear down and cost");
        Assert.Contains($"Kubernetes {defaultVersion}", cost, StringComparison.Ordinal);
        Assert.Contains(calendar[defaultVersion].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), cost, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFilesAreAsFmtWritesThem()
    {
        var tool = s_formatters.FirstOrDefault(OnPath);
        if (tool is null)
        {
            Assert.Skip("Neither tofu nor terraform is on PATH, so `fmt -check` cannot run here.");
        }

        var result = await ProcessRunner.RunAsync(tool, ["fmt", "-check", "-diff", "-recursive"], EksFolder.Path, Cancellation);
        Assert.True(result.ExitCode == 0, $"`{tool} fmt -check` would rewrite these files:{Environment.NewLine}{result.Output}{result.Error}");
    }

    [Theory]
    [InlineData("1.32,1.33,1.34,1.35", "1.35", true)]
    [InlineData("1.32,1.33,1.34,1.35", "1.36", false)]
    [InlineData(">=1.25", "1.35", true)]
    [InlineData(">=1.25", "1.9", false)]
    [InlineData("any", "1.40", true)]
    public void CompatibilityStatementsAreReadAsWritten(string supported, string version, bool expected) =>
        Assert.Equal(expected, Supports(supported, version));

    private sealed record Release(string Block, string Chart, string Version, JsonElement Body, ChartKinds Kinds);

    private static IEnumerable<Release> Releases(IReadOnlyDictionary<string, JsonElement> files) =>
        EksFolder.Resources(files, "helm_release").Select(release =>
        {
            var chart = release.Body.GetProperty("chart").GetString()!;
            var version = EksFolder.ReleaseVersion(files, release.Body);
            return new Release($"helm_release.{release.Name}", chart, version, release.Body, ChartKinds.Load(chart, version));
        });

    /// <summary>The helm provider waits for the release's pods unless told not to (wait defaults to true).</summary>
    private static bool Waits(JsonElement release) => !release.TryGetProperty("wait", out var wait) || wait.ValueKind != JsonValueKind.False;

    /// <summary>Every destroy-time local-exec, with <c>self.input.X</c> replaced by the expression its input gives X.</summary>
    private static IEnumerable<(string Block, string Command)> DestroySteps(IReadOnlyDictionary<string, JsonElement> files) =>
        EksFolder.Blocks(files, "resource").SelectMany(resources => resources.EnumerateObject())
            .SelectMany(type => type.Value.EnumerateObject().Select(resource => (Block: $"{type.Name}.{resource.Name}", Body: resource.Value[0])))
            .Where(resource => resource.Body.TryGetProperty("provisioner", out _))
            .SelectMany(resource => resource.Body.GetProperty("provisioner").EnumerateObject()
                .Where(provisioner => provisioner.Name == "local-exec")
                .SelectMany(provisioner => provisioner.Value.EnumerateArray())
                .Where(exec => exec.TryGetProperty("when", out var when) && when.GetString() == "${destroy}")
                .Select(exec => (resource.Block, SelfInput().Replace(exec.GetProperty("command").GetString()!, input =>
                    resource.Body.GetProperty("input").GetProperty(input.Groups["key"].Value).GetString()!))));

    /// <summary>A kubectl delete of the Service in one of the namespaces, waiting until it is gone (its finalizers done).</summary>
    private static bool DeletesService(string command, string service, IEnumerable<string?> namespaces) =>
        KubectlDelete().Matches(command).Any(delete =>
            delete.Groups["name"].Value == service
            && namespaces.Contains(delete.Groups["namespace"].Value)
            && !delete.Value.Contains("--wait=false", StringComparison.Ordinal));

    /// <summary>Every mapping document of a YAML file (a file may hold several, separated by ---).</summary>
    private static IEnumerable<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(file));
        stream.Load(reader);
        return stream.Documents.Select(document => document.RootNode).OfType<YamlMappingNode>();
    }

    private static bool Supports(string supported, string version) => supported switch
    {
        "any" => true,
        ['>', '=', .. var minimum] => Version.Parse(version) >= Version.Parse(minimum),
        _ => supported.Split(',').Contains(version),
    };

    private static IEnumerable<string[]> DataRows(string file) =>
        File.ReadLines(Path.Combine(RepositoryPaths.Root, "tests", "Infrastructure.Tests", "Upstream", file))
            .Where(line => line.Length > 0 && line[0] != '#').Select(line => line.Split('\t'));

    /// <summary>The README section under a heading, up to the next heading of the same level.</summary>
    private static string ReadmeSection(string heading)
    {
        var readme = File.ReadAllText(Path.Combine(EksFolder.Path, "README.md"));
        var start = readme.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"manifests/eks/README.md has no section {heading}.");
        var end = readme.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(directory => File.Exists(Path.Combine(directory, command)));

    [GeneratedRegex(@"\$\{self\.input\.(?<key>\w+)\}")]
    private static partial Regex SelfInput();

    [GeneratedRegex(@"kubectl\b[^\n]*?\s-n\s+(?<namespace>\S+)[^\n]*?\sdelete\s+(?:service|svc)\s+(?<name>[\w-]+)[^\n]*")]
    private static partial Regex KubectlDelete();
}
