using System.Text.Json;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>
/// Cilium's transparent encryption in <c>manifests/eks</c>: WireGuard between the nodes, set the way ENI mode needs it,
/// and its UDP port open on every security group the nodes carry.
/// </summary>
public sealed class EksEncryptionTests
{
    /// <summary>The UDP port of Cilium's WireGuard tunnels: fixed by Cilium, not a chart value.</summary>
    private const int WireGuardPort = 51871;

    private const string PrimarySecurityGroup = "${module.eks.cluster_primary_security_group_id}";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CiliumEncryptsBetweenNodesWithWireGuardAsEniModeNeeds()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var cilium = EksFolder.LoadValues("cilium.yaml");
        var chart = ChartDefaults.Load("cilium", EksFolder.ChartVersions(files)["cilium"]);

        Assert.Equal("true", chart.Effective(cilium, "encryption.enabled"));
        Assert.Equal("wireguard", chart.Effective(cilium, "encryption.type"));
        Assert.DoesNotContain(chart.Paths, path => path.StartsWith("encryption.wireguard.", StringComparison.Ordinal)
            && path.Contains("port", StringComparison.OrdinalIgnoreCase));

        // ENI mode routes natively: one encapsulation, WireGuard's, and no tunnel to double it.
        Assert.Equal("eni", chart.Effective(cilium, "ipam.mode"));
        Assert.Equal("native", chart.Effective(cilium, "routingMode"));
        // Cilium is the only CNI and sets the pods' MTU from the device's, less WireGuard's overhead: no chaining (whose
        // pods would keep the VPC CNI's MTU) and no fixed MTU.
        Assert.Equal("null", chart.Effective(cilium, "cni.chainingMode"));
        Assert.Equal("0", chart.Effective(cilium, "MTU"));
        // Strict mode's CIDR would be the VPC's, which holds peers that are not WireGuard nodes.
        Assert.Equal("false", chart.Effective(cilium, "encryption.strictMode.enabled"));
        Assert.Equal("false", chart.Effective(cilium, "encryption.strictMode.egress.enabled"));
    }

    [Fact]
    public async Task EverySecurityGroupOnTheNodesAdmitsWireGuardFromTheNodes()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var nodes = EksFolder.Modules(files)
            .Single(m => m.Body.GetProperty("source").GetString()!.EndsWith("//modules/eks-managed-node-group", StringComparison.Ordinal)).Body;

        // The groups on a node's ENIs (eks 20.37.2, modules/eks-managed-node-group/main.tf): the primary group when
        // cluster_primary_security_group_id is set, and vpc_security_group_ids.
        var groups = nodes.TryGetProperty("vpc_security_group_ids", out var ids) ? ids.EnumerateArray().Select(id => id.GetString()!).ToList() : [];
        Assert.Equal(PrimarySecurityGroup, nodes.GetProperty("cluster_primary_security_group_id").GetString());
        groups.Add(PrimarySecurityGroup);

        var rules = EksFolder.Resources(files, "aws_vpc_security_group_ingress_rule").Select(r => r.Body).ToList();
        foreach (var group in groups)
        {
            Assert.True(rules.Any(rule => Admits(rule, group, from: groups)),
                $"Security group {group} is on the nodes but has no rule admitting UDP {WireGuardPort} from them.");
        }
    }

    [Fact]
    public void TheReadmeSaysWhatTheEncryptionCosts()
    {
        var readme = File.ReadAllText(Path.Combine(EksFolder.Path, "README.md"));
        var section = readme[readme.IndexOf("**Encryption between nodes: WireGuard.**", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n- **", StringComparison.Ordinal)];

        Assert.Contains("CPU", section, StringComparison.Ordinal);
        Assert.Contains("MTU", section, StringComparison.Ordinal);
        Assert.Contains(WireGuardPort.ToString(System.Globalization.CultureInfo.InvariantCulture), section, StringComparison.Ordinal);
    }

    /// <summary>Whether an ingress rule on <paramref name="group"/> admits UDP on the WireGuard port from one of <paramref name="from"/>.</summary>
    private static bool Admits(JsonElement rule, string group, IReadOnlyCollection<string> from) =>
        rule.GetProperty("security_group_id").GetString() == group
        && rule.TryGetProperty("referenced_security_group_id", out var source) && from.Contains(source.GetString()!)
        && rule.GetProperty("ip_protocol").GetString() is "udp" or "-1"
        && (rule.GetProperty("ip_protocol").GetString() == "-1"
            || (rule.GetProperty("from_port").GetInt32() <= WireGuardPort && WireGuardPort <= rule.GetProperty("to_port").GetInt32()));
}
