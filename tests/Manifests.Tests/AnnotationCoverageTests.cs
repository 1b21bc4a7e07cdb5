using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NutritionAspire.Hosting.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// Every annotation of every published resource, in the AppHost's model and in models of other shapes, is one the
/// publisher maps, leaves out for a stated reason (meaningful to a local run only), or refuses.
/// </summary>
public sealed class AnnotationCoverageTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryAnnotationOfTheAppHostsModelIsMappedOrLeftOutForAReason()
    {
        using var output = new TemporaryDirectory();

        var outcome = await Publishing.AppHostAsync(output.Path, [], Cancellation);

        Assert.True(outcome.Succeeded, outcome.Log);
        AssertEveryAnnotationIsCovered(outcome.Resources);
    }

    [Fact]
    public async Task EveryAnnotationOfTheSecondModelIsMappedOrLeftOutForAReason()
    {
        using var output = new TemporaryDirectory();

        var outcome = await Publishing.RunAsync(SecondModelTests.Model(output.Path), output.Path, Cancellation);

        Assert.True(outcome.Succeeded, outcome.Log);
        AssertEveryAnnotationIsCovered(outcome.Resources);
    }

    /// <summary>What else a user writes on a resource, mostly for local runs: each has a treatment, and none stops the publish.</summary>
    [Fact]
    public async Task TheAnnotationsOfLocalRunsPublishAndAreLeftOutForAReason()
    {
        using var output = new TemporaryDirectory();
        var builder = Publishing.Builder(output.Path);
        builder.AddKubernetesEnvironment("shop");
        var database = builder.AddContainer("database", "postgres", "17")
            .WithEndpoint(targetPort: 5432, name: "tcp")
            .WithLifetime(ContainerLifetime.Persistent)
            .WithContainerName("shop-database")
            .WithImagePullPolicy(ImagePullPolicy.Always)
            .WithIconName("Database");
        builder.AddProject("api", "api/Api.csproj", launchProfileName: null)
            .WithHttpEndpoint(targetPort: 8080, name: "http")
            .WithHttpHealthCheck("/health")
            .WithHttpCommand("/reset", "Reset")
            .WithUrl("/swagger", "Swagger")
            .WithExplicitStart()
            .WithParentRelationship(database)
            .WithReference(database.GetEndpoint("tcp"))
            .WaitFor(database);

        var outcome = await Publishing.RunAsync(builder, output.Path, Cancellation);

        Assert.True(outcome.Succeeded, outcome.Log);
        AssertEveryAnnotationIsCovered(outcome.Resources);
        Assert.Contains("imagePullPolicy: Always\n", outcome.Tree["database/deployment.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTreatmentSaysWhy()
    {
        var annotations = new IResourceAnnotation[]
        {
            new EndpointAnnotation(System.Net.Sockets.ProtocolType.Tcp, name: "tcp"),
            new ContainerImageAnnotation { Image = "busybox" },
            new ContainerRuntimeArgsCallbackAnnotation(_ => { }),
            new WaitAnnotation(new ContainerResource("other"), WaitType.WaitUntilHealthy),
        };

        Assert.All(annotations, annotation => Assert.False(string.IsNullOrWhiteSpace(AnnotationCoverage.Of(annotation)?.Reason)));
        Assert.Equal(AnnotationTreatment.Refused, AnnotationCoverage.Of(annotations[2])!.Treatment);
        Assert.Equal(AnnotationTreatment.RunOnly, AnnotationCoverage.Of(annotations[3])!.Treatment);
    }

    private static void AssertEveryAnnotationIsCovered(IEnumerable<IResource> resources)
    {
        var published = resources.Where(resource => resource is ProjectResource || resource.HasAnnotationOfType<ContainerImageAnnotation>())
            .Where(resource => !resource.IsExcludedFromPublish())
            .ToList();
        Assert.NotEmpty(published);
        foreach (var resource in published)
        {
            foreach (var annotation in resource.Annotations)
            {
                var entry = AnnotationCoverage.Of(annotation);
                Assert.True(entry is { Treatment: not AnnotationTreatment.Refused },
                    $"{resource.Name}: {annotation.GetType().FullName} is {entry?.Treatment.ToString() ?? "unknown"} in a model that published.");
            }
        }
    }
}
