using System.Text.Json;
using System.Text.RegularExpressions;
using NutritionAspire.Tests;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary><c>manifests/eks</c> parses, is self-consistent and pinned, and carries the settings the app relies on.</summary>
public sealed partial class EksTests
{
    private const string HttpV2Metric =
        "httpV2:exemplars=true;labelsContext=source_namespace,source_workload,destination_namespace,destination_workload,traffic_direction";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryReferenceIsDeclaredAndEveryTfvarsKeyIsAVariable()
    {
        var files = await ParseOrSkipAsync();

        var variables = Blocks(files, "variable").SelectMany(block => block.EnumerateObject().Select(v => v.Name)).ToHashSet();
        var locals = Blocks(files, "locals").SelectMany(block => block.EnumerateArray()).SelectMany(l => l.EnumerateObject().Select(v => v.Name)).ToHashSet();
        Assert.Contains("kubernetes_version", variables);

        foreach (var (file, content) in files.Where(f => f.Key.EndsWith(".tf", StringComparison.Ordinal)))
        {
            foreach (var text in Strings(content))
            {
                foreach (Match reference in VariableReference().Matches(text))
                {
                    Assert.True(variables.Contains(reference.Groups["name"].Value), $"{file}: var.{reference.Groups["name"].Value} is not declared.");
                }

                foreach (Match reference in LocalReference().Matches(text))
                {
                    Assert.True(locals.Contains(reference.Groups["name"].Value), $"{file}: local.{reference.Groups["name"].Value} is not declared.");
                }
            }
        }

        foreach (var (file, content) in files.Where(f => f.Key.EndsWith(".tfvars", StringComparison.Ordinal)))
        {
            Assert.All(content.EnumerateObject(), entry => Assert.True(variables.Contains(entry.Name), $"{file}: {entry.Name} is not a variable."));
        }
    }

    [Fact]
    public async Task EveryModuleAndChartVersionIsPinnedExactly()
    {
        var files = await ParseOrSkipAsync();

        var modules = Blocks(files, "module").SelectMany(block => block.EnumerateObject()).ToList();
        Assert.NotEmpty(modules);
        Assert.All(modules, module => Assert.Matches(@"^\d+\.\d+\.\d+$", module.Value[0].GetProperty("version").GetString()));

        var charts = Blocks(files, "locals").SelectMany(block => block.EnumerateArray())
            .Single(l => l.TryGetProperty("charts", out _)).GetProperty("charts").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetString());
        Assert.All(charts.Values, version => Assert.Matches(@"^\d+\.\d+\.\d+$", version));
        var releases = Resources(files, "helm_release").ToList();
        Assert.Equal(["alloy", "aws_load_balancer_controller", "cilium", "kube_prometheus_stack", "loki", "prometheus_operator_crds", "tetragon"],
            releases.Select(r => r.Name).Order(StringComparer.Ordinal));
        foreach (var (name, release) in releases)
        {
            var version = release.GetProperty("version").GetString()!;
            Assert.Equal($"${{local.charts.{name}}}", version);
            Assert.Contains(name, charts.Keys);
        }
    }

    [Fact]
    public async Task EveryValuesFileIsValidYamlAndUsedByARelease()
    {
        var files = await ParseOrSkipAsync();
        var used = Resources(files, "helm_release")
            .Where(r => r.Release.TryGetProperty("values", out _))
            .Select(r => ValuesFile().Match(r.Release.GetProperty("values")[0].GetString()!).Groups["file"].Value)
            .ToHashSet();

        Assert.Equal(EksFolder.ValuesFiles.Select(Path.GetFileName).Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
        Assert.All(EksFolder.ValuesFiles, file => Assert.NotEmpty(EksFolder.LoadValues(Path.GetFileName(file)).Children));
    }

    [Fact]
    public async Task TheClusterHasNoSelfManagedAddonsAndNodesWaitForCilium()
    {
        var files = await ParseOrSkipAsync();
        var modules = Blocks(files, "module").SelectMany(block => block.EnumerateObject()).ToDictionary(m => m.Name, m => m.Value[0]);

        var eks = modules["eks"];
        Assert.False(eks.GetProperty("bootstrap_self_managed_addons").GetBoolean());
        Assert.Equal("API", eks.GetProperty("authentication_mode").GetString());
        Assert.Equal(["secrets"], eks.GetProperty("cluster_encryption_config").GetProperty("resources").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("${var.kubernetes_version}", eks.GetProperty("cluster_version").GetString());

        var nodes = modules["node_group"];
        var taint = nodes.GetProperty("taints").GetProperty("cilium");
        Assert.Equal(("node.cilium.io/agent-not-ready", "true", "NO_EXECUTE"),
            (taint.GetProperty("key").GetString(), taint.GetProperty("value").GetString(), taint.GetProperty("effect").GetString()));
        Assert.Contains("${helm_release.cilium}", nodes.GetProperty("depends_on").EnumerateArray().Select(d => d.GetString()));

        var coredns = Resources(files, "aws_eks_addon").Single(r => r.Name == "coredns").Release;
        Assert.Contains("${module.node_group}", coredns.GetProperty("depends_on").EnumerateArray().Select(d => d.GetString()));
        Assert.DoesNotContain(Resources(files, "aws_eks_addon"), addon => addon.Release.GetProperty("addon_name").GetString() is "vpc-cni" or "kube-proxy");
    }

    [Fact]
    public async Task CiliumRunsInEniModeWithoutKubeProxyAndWithTheL7FeaturesTheAppUses()
    {
        var files = await ParseOrSkipAsync();
        var cilium = EksFolder.LoadValues("cilium.yaml");

        Assert.Equal("eni", EksFolder.Scalar(cilium, "ipam.mode"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "eni.enabled"));
        Assert.Equal("native", EksFolder.Scalar(cilium, "routingMode"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "kubeProxyReplacement"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "l7Proxy"));
        Assert.Equal("envoy", EksFolder.Scalar(cilium, "loadBalancer.l7.backend"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "ingressController.enabled"));
        Assert.Equal("external", EksFolder.Scalar(cilium, "ingressController.service.annotations.service.beta.kubernetes.io/aws-load-balancer-type")
            ?? ((YamlMappingNode)EksFolder.Node(cilium, "ingressController.service.annotations")!)
                .Children[new YamlScalarNode("service.beta.kubernetes.io/aws-load-balancer-type")].ToString());
        Assert.Equal("true", EksFolder.Scalar(cilium, "hubble.relay.enabled"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "hubble.ui.enabled"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "hubble.metrics.serviceMonitor.enabled"));
        Assert.Contains(HttpV2Metric, ((YamlSequenceNode)EksFolder.Node(cilium, "hubble.metrics.enabled")!).Select(n => n.ToString()));

        var release = Resources(files, "helm_release").Single(r => r.Name == "cilium").Release;
        var sets = release.GetProperty("set").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString());
        Assert.Equal("${trimprefix(module.eks.cluster_endpoint, \"https://\")}", sets["k8sServiceHost"]);
        Assert.Equal("443", sets["k8sServicePort"]);
    }

    [Fact]
    public void TheManifestsIngressAndTheDashboardsMatchWhatTheClusterProvides()
    {
        var ingress = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "manifests", "kubernetes", "health-api", "ingress.yaml"));
        Assert.Contains("ingressClassName: cilium", ingress, StringComparison.Ordinal);

        // Every label the Hubble dashboard groups or filters by is one the httpV2 metric carries.
        var labels = HttpV2Metric.Split("labelsContext=")[1].Split(',').Concat(["status", "method", "reporter", "le"]).ToHashSet();
        var dashboard = File.ReadAllText(Path.Combine(Dashboards.Folder, "hubble-l7-workloads.json"));
        foreach (Match used in HubbleLabel().Matches(dashboard))
        {
            Assert.Contains(used.Groups["label"].Value, labels);
        }

        var stack = EksFolder.LoadValues("kube-prometheus-stack.yaml");
        Assert.Equal("grafana_dashboard", EksFolder.Scalar(stack, "grafana.sidecar.dashboards.label"));
        Assert.Equal("ALL", EksFolder.Scalar(stack, "grafana.sidecar.dashboards.searchNamespace"));
        Assert.Equal("false", EksFolder.Scalar(stack, "prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues"));
        Assert.Contains("exemplar-storage", ((YamlSequenceNode)EksFolder.Node(stack, "prometheus.prometheusSpec.enableFeatures")!).Select(n => n.ToString()));
    }

    [Fact]
    public async Task NoDeprecatedSettingOrComponentIsUsed()
    {
        var files = await ParseOrSkipAsync();

        foreach (var file in EksFolder.ValuesFiles)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotMatch(@"(?i)kubeProxyReplacement:\s*[""']?(strict|partial|probe)", text);
            Assert.DoesNotMatch(@"(?i)proxy-visibility", text);
            Assert.DoesNotMatch(@"(?i)promtail|loki-distributed", text);
        }

        var charts = Resources(files, "helm_release").Select(r => r.Release.GetProperty("chart").GetString()).ToList();
        Assert.DoesNotContain("promtail", charts);
        Assert.DoesNotContain("loki-distributed", charts);
        Assert.Contains("alloy", charts);
        var ami = Blocks(files, "variable").SelectMany(b => b.EnumerateObject()).Single(v => v.Name == "node_ami_type").Value[0];
        Assert.StartsWith("AL2023_", ami.GetProperty("default").GetString(), StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyDictionary<string, JsonElement>> ParseOrSkipAsync()
    {
        if (EksFolder.ParserUnavailable is { } reason)
        {
            Assert.Skip(reason);
        }

        return await EksFolder.ParseAsync(Cancellation);
    }

    private static IEnumerable<JsonElement> Blocks(IReadOnlyDictionary<string, JsonElement> files, string type) =>
        files.Values.Where(file => file.ValueKind == JsonValueKind.Object && file.TryGetProperty(type, out _)).Select(file => file.GetProperty(type));

    private static IEnumerable<(string Name, JsonElement Release)> Resources(IReadOnlyDictionary<string, JsonElement> files, string type) =>
        Blocks(files, "resource").Where(r => r.TryGetProperty(type, out _))
            .SelectMany(r => r.GetProperty(type).EnumerateObject().Select(resource => (resource.Name, resource.Value[0])));

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value).Append(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    [GeneratedRegex(@"\bvar\.(?<name>[A-Za-z_][A-Za-z0-9_-]*)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"\blocal\.(?<name>[A-Za-z_][A-Za-z0-9_-]*)")]
    private static partial Regex LocalReference();

    [GeneratedRegex(@"/values/(?<file>[a-z0-9-]+\.yaml)")]
    private static partial Regex ValuesFile();

    [GeneratedRegex(@"(?:by \(|, |\{)(?<label>[a-z_]+)(?=[,)=!])")]
    private static partial Regex HubbleLabel();
}
