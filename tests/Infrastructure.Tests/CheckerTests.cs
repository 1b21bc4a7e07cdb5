using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>The checks of <see cref="EksUpstreamTests"/> catch what they are for, on small made-up inputs.</summary>
public sealed class CheckerTests
{
    [Fact]
    public void ChartKeyPathsRejectAKeyTheChartDoesNotUseAndAcceptFreeFormMaps()
    {
        var cilium = Pinned("cilium");
        var values = EksFolder.ParseValues("""
            ingressController:
              enabled: true
              loadbalancerMode: shared
              service:
                annotations:
                  service.beta.kubernetes.io/aws-load-balancer-type: external
                tyoe: LoadBalancer
            eni:
              enabled: true
              awsReleaseExcesIPs: true
            """);

        Assert.Equal(["ingressController.service.tyoe", "eni.awsReleaseExcesIPs"], cilium.UnusedKeys(values));
        Assert.True(cilium.Uses(ValuesPath.Split(@"ingressController.service.annotations.service\.beta\.kubernetes\.io/aws-load-balancer-nlb-target-type")));
        Assert.False(cilium.Uses(["ipam", "mode", "eni"]));
    }

    [Fact]
    public void KeysTheTemplatesReadWithoutADefaultAreKeysOfTheChart()
    {
        var loki = Pinned("loki");

        Assert.Equal("read", loki.Default("loki.storage.bucketNames.chunks"));
        Assert.True(loki.Uses(["loki", "storage", "bucketNames", "chunks"]));
        Assert.False(loki.Uses(["loki", "storage", "bucketName"]));
    }

    [Theory]
    [InlineData("a,b", "a comma ends the value and starts another key")]
    [InlineData("{a,b}", "a comma ends the value and starts another key")]
    [InlineData("{a}", "{…} is read as a list")]
    [InlineData("us-east-1", null)]
    public void HelmSetLiteralsThatHelmWouldMisreadAreFound(string literal, string? reason) =>
        Assert.Equal(reason, HelmSetValue.Misread(literal));

    [Fact]
    public void HelmSetValuesBuiltByFunctionsOrFromVariablesWithCommasAreFound()
    {
        IReadOnlyList<(string, IReadOnlyDictionary<string, string>)> sets = [("test", new Dictionary<string, string> { ["zones"] = "a,b", ["region"] = "eu-west-1" })];

        Assert.Single(HelmSetValue.Problems("${jsonencode({ a = [1, 2] })}", sets));
        Assert.Single(HelmSetValue.Problems("${var.zones}", sets));
        Assert.Empty(HelmSetValue.Problems("${var.region}", sets));
        Assert.Empty(HelmSetValue.Problems("${trimprefix(module.eks.cluster_endpoint, \"https://\")}", sets));
    }

    [Fact]
    public void ObjectKeyPathsFollowNestedObjectsAndSkipValues()
    {
        var paths = HclText.ObjectKeyPaths("""
            yamlencode({
              tetragon = {
                exportAllowList = jsonencode({ event_set = ["PROCESS_EXEC"], namespace = [var.app_namespace] })
                "quoted.key"    = "x"
              }
              replicas = 2
            })
            """);

        Assert.Equal(["tetragon.exportAllowList", @"tetragon.quoted\.key", "replicas"], paths.Select(ValuesPath.Join));
    }

    /// <summary>The data of whichever version of a chart is pinned (the folder holds one per chart).</summary>
    private static ChartDefaults Pinned(string chart)
    {
        var versions = Directory.GetFiles(ChartDefaults.Folder, $"{chart}-*.tsv")
            .Select(file => Path.GetFileNameWithoutExtension(file)[(chart.Length + 1)..]).Where(version => char.IsDigit(version[0]));
        return ChartDefaults.Load(chart, Assert.Single(versions));
    }

    [Fact]
    public void ValuesPathsKeepEscapedDotsInsideAKey()
    {
        var root = (YamlMappingNode)EksFolder.ParseValues("a:\n  b.c/d: x\n");

        Assert.Equal(["a", "b.c/d"], ValuesPath.Split(@"a.b\.c/d"));
        Assert.Equal("x", EksFolder.Scalar(root, @"a.b\.c/d"));
        Assert.Null(EksFolder.Scalar(root, "a.b.c/d"));
    }
}
