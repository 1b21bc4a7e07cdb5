using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>
/// <c>manifests/eks</c> against what its pinned modules and charts accept: names within AWS's limits, <c>set</c> values
/// Helm reads as written, values keys the charts use, the Cilium operator's EC2 permissions, and storage for every claim.
/// </summary>
public sealed partial class EksUpstreamTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryIamAndNodeGroupNameTheConfigurationBuildsFitsAwsLimits()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);

        var sets = VariableSets.Of(files);
        var tooLong = sets.SelectMany(set => BuiltNames.Of(files, set.Values)
                .Where(name => name.Value.Length > name.Limit)
                .Select(name => $"{name.Owner}: {name.What} \"{name.Value}\" has {name.Value.Length} characters, AWS allows {name.Limit} ({set.Label})"))
            .Distinct().ToList();

        Assert.True(tooLong.Count == 0, string.Join(Environment.NewLine, tooLong));
        // cluster_name prefixes most names: its validation bounds its length, so the check covers every admitted value.
        Assert.Contains(sets, set => set.Label.StartsWith("cluster_name at its longest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoHelmSetValueIsOneHelmsSetParserWouldSplitOrRetype()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var sets = VariableSets.Of(files);

        var problems = EksFolder.Resources(files, "helm_release")
            .Where(release => release.Body.TryGetProperty("set", out _))
            .SelectMany(release => release.Body.GetProperty("set").EnumerateArray().SelectMany(set =>
                HelmSetValue.Problems(set.GetProperty("value").GetString()!, sets)
                    .Select(problem => $"helm_release.{release.Name}, set {set.GetProperty("name").GetString()}: {problem}")))
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task EveryValuesKeyAndSetNameIsOneThePinnedChartUses()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);

        var unused = new List<string>();
        foreach (var (name, release, chart) in Releases(files))
        {
            foreach (var values in release.TryGetProperty("values", out var list) ? list.EnumerateArray().Select(v => v.GetString()!) : [])
            {
                if (ValuesFile().Match(values) is { Success: true } file)
                {
                    unused.AddRange(chart.UnusedKeys(EksFolder.LoadValues(file.Groups["file"].Value))
                        .Select(path => $"values/{file.Groups["file"].Value}: {path} is not a key of {chart}"));
                }
                else
                {
                    var expression = Assert.Single(HclText.Parts(values)).Text;
                    Assert.StartsWith("yamlencode(", expression, StringComparison.Ordinal);
                    unused.AddRange(HclText.ObjectKeyPaths(expression).Where(keys => !chart.Uses(keys))
                        .Select(keys => $"helm_release.{name} values: {ValuesPath.Join(keys)} is not a key of {chart}"));
                }
            }

            foreach (var set in release.TryGetProperty("set", out var sets) ? sets.EnumerateArray() : [])
            {
                var keys = ValuesPath.Split(ListIndex().Replace(set.GetProperty("name").GetString()!, ""));
                if (!chart.Uses(keys))
                {
                    unused.Add($"helm_release.{name}, set {set.GetProperty("name").GetString()}: not a key of {chart}");
                }
            }
        }

        Assert.True(unused.Count == 0, string.Join(Environment.NewLine, unused));
    }

    [Fact]
    public async Task TheCiliumOperatorMayCallEveryEc2ActionThePinnedCiliumDocumentsForEniMode()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var cilium = EksFolder.LoadValues("cilium.yaml");
        var defaults = ChartDefaults.Load("cilium", EksFolder.ChartVersions(files)["cilium"]);
        Assert.Equal("eni", EksFolder.Scalar(cilium, "ipam.mode"));

        var privileges = CiliumEniPrivileges.Load(EksFolder.ChartVersions(files)["cilium"]);
        var needed = privileges.Needed(feature => feature switch
        {
            // ENI garbage collection is on by default and then lists the ENIs by tag.
            "eni-gc" => true,
            "release-excess-ips" => defaults.Effective(cilium, "eni.awsReleaseExcessIPs") == "true",
            "instance-tags-filter" => EksFolder.Node(cilium, "eni.instanceTagsFilter") is YamlSequenceNode { Children.Count: > 0 },
            "ipv6" => defaults.Effective(cilium, "ipv6.enabled") == "true",
            _ => throw new InvalidOperationException($"The ENI documentation names a feature this check does not know: {feature}; decide whether it is used."),
        }).ToList();

        var operatorModule = EksFolder.Modules(files).Single(module => module.Body.TryGetProperty("associations", out var associations)
            && associations.EnumerateObject().Any(a => a.Value.GetProperty("service_account").GetString() == "cilium-operator")).Body;
        var allowed = operatorModule.GetProperty("policy_statements").EnumerateArray()
            .SelectMany(statement => statement.GetProperty("actions").EnumerateArray()).Select(a => a.GetString()).ToHashSet();

        Assert.Contains("ec2:DescribeRouteTables", needed);
        var missing = needed.Where(action => !allowed.Contains(action)).ToList();
        Assert.True(missing.Count == 0, "The Cilium operator's policy lacks " + string.Join(", ", missing));
    }

    [Fact]
    public async Task EveryPersistentVolumeClaimAChartMakesHasAStorageClassProvider()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);

        var claims = new List<string>();
        foreach (var (name, release, chart) in Releases(files))
        {
            foreach (var file in ValuesFiles(release))
            {
                var values = EksFolder.LoadValues(file);
                claims.AddRange(PersistentClaims(values, chart).Select(component => $"helm_release.{name}: {component} (values/{file})"));
            }
        }

        var provisioners = EksFolder.Resources(files, "aws_eks_addon").Select(a => a.Body.GetProperty("addon_name").GetString())
            .Concat(EksFolder.Resources(files, "helm_release").Select(r => r.Body.GetProperty("chart").GetString()))
            .Where(name => name is "aws-ebs-csi-driver" or "aws-efs-csi-driver").ToList();
        Assert.True(claims.Count == 0 || provisioners.Count > 0,
            "These components claim persistent volumes, but the cluster installs no volume provisioner (EBS or EFS CSI driver), " +
            "so the claims stay Pending:" + Environment.NewLine + string.Join(Environment.NewLine, claims));
    }

    [Fact]
    public async Task LokiAppliesItsRetention()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var loki = EksFolder.LoadValues("loki.yaml");
        var defaults = ChartDefaults.Load("loki", EksFolder.ChartVersions(files)["loki"]);

        Assert.NotNull(EksFolder.Scalar(loki, "loki.limits_config.retention_period"));
        // Without retention_enabled the compactor never deletes; with it, Loki 3 requires the store of delete requests.
        Assert.Equal("true", defaults.Effective(loki, "loki.compactor.retention_enabled"));
        Assert.Equal("s3", defaults.Effective(loki, "loki.compactor.delete_request_store"));
    }

    [Fact]
    public async Task AlloyCollectsEachLogLineOnce()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var alloy = EksFolder.LoadValues("alloy.yaml");
        var defaults = ChartDefaults.Load("alloy", EksFolder.ChartVersions(files)["alloy"]);
        var configuration = EksFolder.Scalar(alloy, "alloy.configMap.content")!;

        Assert.True(defaults.Effective(alloy, "controller.type") != "daemonset" || NodeScopedDiscovery().IsMatch(configuration),
            "Alloy runs on every node: each instance must discover only its node's pods, or every line is shipped once per node.");
    }

    [Fact]
    public async Task EgressDoesNotDependOnTheAmisInterfaceNames()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var cilium = EksFolder.LoadValues("cilium.yaml");
        var amiTypes = EksFolder.Variables(files).Single(v => v.Name == "node_ami_type").Body.GetProperty("validation")[0]
            .GetProperty("condition").GetString()!;

        // AL2023 names interfaces ens*, Bottlerocket eth*: with both allowed, masquerading on a named interface fits one.
        Assert.Contains("BOTTLEROCKET_", amiTypes, StringComparison.Ordinal);
        Assert.Equal("false", EksFolder.Scalar(cilium, "enableIPv4Masquerade"));
        Assert.Null(EksFolder.Node(cilium, "egressMasqueradeInterfaces"));
    }

    private static IEnumerable<(string Name, JsonElement Release, ChartDefaults Chart)> Releases(IReadOnlyDictionary<string, JsonElement> files) =>
        EksFolder.Resources(files, "helm_release")
            .Where(release => release.Body.TryGetProperty("values", out _) || release.Body.TryGetProperty("set", out _))
            .Select(release => (release.Name, release.Body,
                ChartDefaults.Load(release.Body.GetProperty("chart").GetString()!, EksFolder.ReleaseVersion(files, release.Body))));

    private static IEnumerable<string> ValuesFiles(JsonElement release) =>
        release.TryGetProperty("values", out var values)
            ? values.EnumerateArray().Select(v => ValuesFile().Match(v.GetString()!)).Where(m => m.Success).Select(m => m.Groups["file"].Value)
            : [];

    /// <summary>
    /// The components that claim persistent volumes with these values: a persistence switch that is on (values or
    /// default) in a component that runs (no enabled: false, no replicas: 0 on it or above it), or a volumeClaimTemplate.
    /// </summary>
    private static IEnumerable<string> PersistentClaims(YamlMappingNode values, ChartDefaults chart)
    {
        var switches = chart.Paths.Where(path => path.EndsWith(".persistence.enabled", StringComparison.Ordinal)
            || path.EndsWith(".persistence.volumeClaimsEnabled", StringComparison.Ordinal));
        foreach (var path in switches.Where(path => chart.Effective(values, path) == "true"))
        {
            var component = ValuesPath.Split(path).SkipLast(2).ToList();
            var runs = Enumerable.Range(1, component.Count).Select(length => ValuesPath.Join(component.Take(length)))
                .All(owner => chart.Effective(values, owner + ".enabled") != "false" && chart.Effective(values, owner + ".replicas") != "0");
            if (runs)
            {
                yield return ValuesPath.Join(component);
            }
        }

        foreach (var template in Mappings(values, []).Where(m => m.Keys[^1] is "volumeClaimTemplate" && m.Node.Children.Count > 0))
        {
            yield return ValuesPath.Join(template.Keys);
        }
    }

    private static IEnumerable<(IReadOnlyList<string> Keys, YamlMappingNode Node)> Mappings(YamlMappingNode node, IReadOnlyList<string> keys) =>
        node.Children.Where(child => child.Value is YamlMappingNode).SelectMany(child =>
        {
            IReadOnlyList<string> childKeys = [.. keys, ((YamlScalarNode)child.Key).Value!];
            return Mappings((YamlMappingNode)child.Value, childKeys).Prepend((childKeys, (YamlMappingNode)child.Value));
        });

    [GeneratedRegex(@"/values/(?<file>[a-z0-9-]+\.yaml)")]
    private static partial Regex ValuesFile();

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex ListIndex();

    [GeneratedRegex(@"selectors\s*\{[^}]*field\s*=\s*""spec\.nodeName=""\s*\+\s*sys\.env\(""HOSTNAME""\)", RegexOptions.Singleline)]
    private static partial Regex NodeScopedDiscovery();
}
