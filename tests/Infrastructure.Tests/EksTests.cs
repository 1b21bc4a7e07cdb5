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
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);

        var variables = EksFolder.Variables(files).Select(v => v.Name).ToHashSet();
        var locals = EksFolder.Blocks(files, "locals").SelectMany(block => block.EnumerateArray()).SelectMany(l => l.EnumerateObject().Select(v => v.Name)).ToHashSet();
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
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);

        var modules = EksFolder.Modules(files).ToList();
        Assert.NotEmpty(modules);
        Assert.All(modules, module => Assert.Matches(@"^\d+\.\d+\.\d+$", module.Body.GetProperty("version").GetString()));

        // Each release pins its chart through local.charts.<release name>, and every pin there is used by a release.
        var charts = EksFolder.ChartVersions(files);
        Assert.All(charts.Values, version => Assert.Matches(@"^\d+\.\d+\.\d+$", version));
        var releases = EksFolder.Resources(files, "helm_release").ToList();
        Assert.NotEmpty(releases);
        Assert.All(releases, release => Assert.Equal($"${{local.charts.{release.Name}}}", release.Body.GetProperty("version").GetString()));
        Assert.Equal(charts.Keys.Order(StringComparer.Ordinal), releases.Select(r => r.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryValuesFileIsValidYamlAndUsedByARelease()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var used = EksFolder.Resources(files, "helm_release")
            .Where(r => r.Body.TryGetProperty("values", out _))
            .SelectMany(r => r.Body.GetProperty("values").EnumerateArray())
            .Select(values => ValuesFile().Match(values.GetString()!))
            .Where(match => match.Success)
            .Select(match => match.Groups["file"].Value)
            .ToHashSet();

        Assert.Equal(EksFolder.ValuesFiles.Select(Path.GetFileName).Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
        Assert.All(EksFolder.ValuesFiles, file => Assert.NotEmpty(EksFolder.LoadValues(Path.GetFileName(file)).Children));
    }

    [Fact]
    public async Task TheClusterHasNoSelfManagedAddonsAndNodesWaitForCilium()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var modules = EksFolder.Modules(files).ToDictionary(m => m.Name, m => m.Body);

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

        var addons = EksFolder.Resources(files, "aws_eks_addon").ToDictionary(a => a.Name, a => a.Body);
        Assert.Contains("${module.node_group}", addons["coredns"].GetProperty("depends_on").EnumerateArray().Select(d => d.GetString()));
        Assert.DoesNotContain(addons.Values, addon => addon.GetProperty("addon_name").GetString() is "vpc-cni" or "kube-proxy");

        // The Cilium operator needs Pod Identity credentials before any node loses the agent-not-ready taint, so the
        // agent (host network, tolerating every taint) is not ordered after the nodes.
        var agent = addons.Values.Single(addon => addon.GetProperty("addon_name").GetString() == "eks-pod-identity-agent");
        Assert.False(agent.TryGetProperty("depends_on", out var agentDependencies)
            && agentDependencies.EnumerateArray().Any(d => d.GetString() == "${module.node_group}"),
            "The Pod Identity agent must not wait for the node group: the nodes wait for Cilium, whose operator needs the agent.");
    }

    [Fact]
    public async Task CiliumRunsInEniModeWithoutKubeProxyAndWithTheL7FeaturesTheAppUses()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var cilium = EksFolder.LoadValues("cilium.yaml");

        Assert.Equal("eni", EksFolder.Scalar(cilium, "ipam.mode"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "eni.enabled"));
        Assert.Equal("native", EksFolder.Scalar(cilium, "routingMode"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "kubeProxyReplacement"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "l7Proxy"));
        Assert.Equal("envoy", EksFolder.Scalar(cilium, "loadBalancer.l7.backend"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "ingressController.enabled"));
        Assert.Equal("external", EksFolder.Scalar(cilium, @"ingressController.service.annotations.service\.beta\.kubernetes\.io/aws-load-balancer-type"));
        // The cilium-ingress Service has only a placeholder endpoint (Envoy answers on the nodes): IP targets would be
        // none, instance targets are the nodes' NodePort.
        Assert.Equal("instance", EksFolder.Scalar(cilium, @"ingressController.service.annotations.service\.beta\.kubernetes\.io/aws-load-balancer-nlb-target-type"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "hubble.relay.enabled"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "hubble.ui.enabled"));
        Assert.Equal("true", EksFolder.Scalar(cilium, "hubble.metrics.serviceMonitor.enabled"));
        Assert.Contains(HttpV2Metric, ((YamlSequenceNode)EksFolder.Node(cilium, "hubble.metrics.enabled")!).Select(n => n.ToString()));

        var release = EksFolder.Resources(files, "helm_release").Single(r => r.Name == "cilium").Body;
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
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);

        foreach (var file in EksFolder.ValuesFiles)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotMatch(@"(?i)kubeProxyReplacement:\s*[""']?(strict|partial|probe)", text);
            Assert.DoesNotMatch(@"(?i)proxy-visibility", text);
            Assert.DoesNotMatch(@"(?i)promtail|loki-distributed", text);
        }

        var charts = EksFolder.Resources(files, "helm_release").Select(r => r.Body.GetProperty("chart").GetString()).ToList();
        Assert.DoesNotContain("promtail", charts);
        Assert.DoesNotContain("loki-distributed", charts);
        Assert.Contains("alloy", charts);
        var ami = EksFolder.Variables(files).Single(v => v.Name == "node_ami_type").Body;
        Assert.StartsWith("AL2023_", ami.GetProperty("default").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReadmesStepsUseOnlyWhatTheConfigurationProvides()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var readme = File.ReadAllText(Path.Combine(EksFolder.Path, "README.md"));
        var outputs = EksFolder.Blocks(files, "output").SelectMany(block => block.EnumerateObject().Select(o => o.Name)).ToHashSet();

        var used = TofuOutput().Matches(readme).Select(m => m.Groups["name"].Value).ToList();
        Assert.NotEmpty(used);
        Assert.All(used, output => Assert.True(outputs.Contains(output), $"The README reads the output {output}, which outputs.tf does not declare."));

        // The AWS CLI takes its region from the profile unless told; the cluster's region is what the steps need.
        Assert.All(AwsCommand().Matches(readme).Select(m => m.Value),
            command => Assert.True(command.Contains("--region", StringComparison.Ordinal), $"No --region in: {command}"));

        // kubectl rollout status needs a named resource; waiting on every Deployment is kubectl wait --all.
        Assert.DoesNotMatch(@"rollout status deployment(\s+-|\s*$)", readme);

        // Every -var-file is a file of the folder or one a step copies.
        foreach (Match varFile in VarFile().Matches(readme))
        {
            var name = varFile.Groups["file"].Value;
            Assert.True(File.Exists(Path.Combine(EksFolder.Path, name)) || readme.Contains($"cp example.tfvars {name}", StringComparison.Ordinal),
                $"The README uses -var-file {name}, which no step creates.");
        }
    }

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

    [GeneratedRegex(@"output -raw (?<name>\w+)")]
    private static partial Regex TofuOutput();

    [GeneratedRegex(@"\baws (acm|ecr|eks) [^\n|]*")]
    private static partial Regex AwsCommand();

    [GeneratedRegex(@"-var-file (?<file>\S+)")]
    private static partial Regex VarFile();

    [GeneratedRegex(@"(?:by \(|, |\{)(?<label>[a-z_]+)(?=[,)=!])")]
    private static partial Regex HubbleLabel();
}
