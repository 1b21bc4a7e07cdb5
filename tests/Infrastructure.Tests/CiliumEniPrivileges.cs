using NutritionAspire.Tests;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>
/// The EC2 actions the pinned Cilium documents for its operator in ENI mode, from
/// <c>Upstream/cilium-&lt;version&gt;-eni-iam.txt</c>: each with <c>required</c> or the feature that needs it.
/// </summary>
public sealed class CiliumEniPrivileges
{
    private CiliumEniPrivileges(IReadOnlyList<(string Condition, string Action)> actions) => Actions = actions;

    public IReadOnlyList<(string Condition, string Action)> Actions { get; }

    public static CiliumEniPrivileges Load(string version)
    {
        var file = Path.Combine(RepositoryPaths.Root, "tests", "Infrastructure.Tests", "Upstream", $"cilium-{version}-eni-iam.txt");
        Assert.True(File.Exists(file),
            $"No ENI privilege data for Cilium {version}: after moving the pin, run tests/Infrastructure.Tests/Upstream/refresh.py and review its diff.");
        return new CiliumEniPrivileges([.. File.ReadLines(file).Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Split('\t')).Select(parts => (parts[0], parts[1]))]);
    }

    /// <summary>The actions needed when the features for which <paramref name="inUse"/> is true are enabled.</summary>
    public IEnumerable<string> Needed(Func<string, bool> inUse) =>
        Actions.Where(a => a.Condition == "required" || inUse(a.Condition)).Select(a => a.Action);
}
