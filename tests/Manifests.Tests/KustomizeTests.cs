using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>The committed base and the example overlay render with kustomize as the cluster gets them.</summary>
public sealed class KustomizeTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KustomizeRendersEveryObjectOfTheTreeIntoTheNamespace()
    {
        var rendered = ManifestFiles.LoadStrictly(await Kubectl.KustomizeAsync(Repository.KubernetesManifests, Cancellation));

        Assert.Equal(ManifestFiles.Documents().Count(), rendered.Count);
        Assert.All(rendered.Where(o => o.Kind != "Namespace"), o => Assert.Equal("nutrition", o.Metadata.NamespaceProperty));
    }

    [Fact]
    public async Task TheExampleOverlayRendersWithItsRegistryAndHost()
    {
        var rendered = await Kubectl.KustomizeAsync(Path.Combine(RepositoryPaths.Root, "manifests", "overlays", "example"), Cancellation);

        var images = rendered.Split('\n').Where(line => line.TrimStart().StartsWith("image: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(ManifestFiles.OfKind("Deployment").Count(), images.Count);
        Assert.All(images, image => Assert.Contains("registry.example.org/nutrition/", image, StringComparison.Ordinal));
        Assert.Contains("host: health.example.org", rendered, StringComparison.Ordinal);
    }
}
