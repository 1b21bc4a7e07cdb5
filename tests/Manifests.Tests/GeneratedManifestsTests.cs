using k8s.Models;
using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>The documented generation command against the committed <c>manifests/kubernetes</c> tree.</summary>
public sealed class GeneratedManifestsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheCommittedTreeEqualsAFreshGeneration()
    {
        using var output = new TemporaryDirectory();

        var result = await Repository.RunManifestsStepAsync(output.Path, [], Cancellation);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var fresh = Repository.ReadTree(output.Path);
        var committed = Repository.ReadTree(Repository.KubernetesManifests);
        var drift = fresh.Keys.Union(committed.Keys)
            .Where(file => fresh.GetValueOrDefault(file) != committed.GetValueOrDefault(file))
            .ToList();
        Assert.True(drift.Count == 0,
            $"manifests/kubernetes is out of date ({string.Join(", ", drift)}). Regenerate it with: {Repository.RegenerateCommand}");
    }

    [Fact]
    public async Task AnInvalidOptionFailsNamingItAndWritesNothing()
    {
        using var output = new TemporaryDirectory();
        var marker = Path.Combine(output.Path, "previous.yaml");
        await File.WriteAllTextAsync(marker, "kept", Cancellation);

        var result = await Repository.RunManifestsStepAsync(output.Path, ["--Kubernetes:Namespace=Not_A_Label"], Cancellation);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Kubernetes:Namespace must be a DNS-1123 label", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Equal(["previous.yaml"], Directory.EnumerateFileSystemEntries(output.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task TheImagesAndIngressHostFollowTheParametersAndTheKubernetesOptions()
    {
        using var output = new TemporaryDirectory();

        var result = await Repository.RunManifestsStepAsync(output.Path,
            ["--Parameters:image-registry=registry.example.org/team", "--Parameters:image-tag=2.0.0", "--Kubernetes:IngressHost=health.example.org"],
            Cancellation);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var tree = Repository.ReadTree(output.Path);
        Assert.Contains("image: registry.example.org/team/health-api:2.0.0\n", tree["health-api/deployment.yaml"], StringComparison.Ordinal);
        Assert.Contains("image: registry.example.org/team/aspire-dashboard:13.1\n", tree["aspire-dashboard/deployment.yaml"], StringComparison.Ordinal);
        Assert.Contains("host: health.example.org\n", tree["health-api/ingress.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task KustomizeRendersTheTree()
    {
        if (!ExistsOnPath("kubectl"))
        {
            Assert.Skip("kubectl is not installed.");
        }

        var result = await Repository.RunAsync("kubectl", ["kustomize", Repository.KubernetesManifests], Cancellation);

        Assert.True(result.ExitCode == 0, result.Error);
        var kinds = result.Output.Split('\n').Where(line => line.StartsWith("kind: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(ManifestFiles.Objects().Count(), kinds.Count);
        Assert.DoesNotContain(result.Output.Split('\n'), line => line.StartsWith("  namespace: ", StringComparison.Ordinal) && line != "  namespace: nutrition");
    }

    [Fact]
    public async Task TheExampleOverlayRendersWithItsRegistryAndHost()
    {
        if (!ExistsOnPath("kubectl"))
        {
            Assert.Skip("kubectl is not installed.");
        }

        var result = await Repository.RunAsync("kubectl", ["kustomize", Path.Combine(RepositoryPaths.Root, "manifests", "overlays", "example")], Cancellation);

        Assert.True(result.ExitCode == 0, result.Error);
        var images = result.Output.Split('\n').Where(line => line.TrimStart().StartsWith("image: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(ManifestFiles.OfType<V1Deployment>().Sum(d => d.Spec.Template.Spec.Containers.Count), images.Count);
        Assert.All(images, image => Assert.Contains("registry.example.org/nutrition/", image, StringComparison.Ordinal));
        Assert.Contains("host: health.example.org", result.Output, StringComparison.Ordinal);
    }

    private static bool ExistsOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(directory => File.Exists(Path.Combine(directory, command)));
}

public sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("nutrition-manifests-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
