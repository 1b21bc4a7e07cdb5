namespace NutritionAspire.Infrastructure.Tests;

/// <summary>
/// The kinds of object a pinned chart can create, from <c>Upstream/charts/&lt;chart&gt;-&lt;version&gt;.kinds</c>
/// (written by <c>Upstream/refresh.py</c> from its templates and CRD files, subcharts included).
/// </summary>
public sealed class ChartKinds
{
    /// <summary>What runs pods that Helm's wait (the helm_release default) waits to become ready.</summary>
    private static readonly HashSet<string> s_workloads = ["Deployment", "DaemonSet", "StatefulSet", "Job", "Pod"];

    private readonly HashSet<string> kinds;

    private ChartKinds(string name, HashSet<string> kinds)
    {
        Name = name;
        this.kinds = kinds;
    }

    public string Name { get; }

    public bool CreatesServices => kinds.Contains("Service");

    public bool RunsPods => kinds.Overlaps(s_workloads);

    public bool Creates(string kind) => kinds.Contains(kind);

    public static ChartKinds Load(string chart, string version)
    {
        var file = Path.Combine(ChartDefaults.Folder, $"{chart}-{version}.kinds");
        Assert.True(File.Exists(file),
            $"No kinds data for {chart} {version}: after moving a pin, run tests/Infrastructure.Tests/Upstream/refresh.py and review its diff.");
        return new ChartKinds($"{chart} {version}",
            [.. File.ReadLines(file).Where(line => line.Length > 0 && line[0] != '#').Select(line => line.Split('\t')[0])]);
    }

    public override string ToString() => Name;
}
