using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using NutritionAspire.Hosting.Kubernetes;
using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>The AppHost's publish: the documented command, and the cluster settings it takes as parameters.</summary>
public sealed class AppHostPublishTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheDocumentedCommandWritesTheCommittedTree()
    {
        using var output = new TemporaryDirectory();

        var result = await Repository.RunManifestsStepAsync(output.Path, [], Cancellation);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Equal(Repository.ReadTree(Repository.KubernetesManifests), Repository.ReadTree(output.Path));
    }

    [Fact]
    public async Task TheDocumentedCommandFailsWithAnExitCodeNamingTheParameterAndKeepsThePreviousTree()
    {
        using var output = new TemporaryDirectory();
        var marker = Path.Combine(output.Path, "previous.yaml");
        await File.WriteAllTextAsync(marker, "kept", Cancellation);

        var result = await Repository.RunManifestsStepAsync(output.Path, ["--Parameters:namespace=Not_A_Label"], Cancellation);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Parameter namespace must be a DNS-1123 label", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Equal(["previous.yaml"], Directory.EnumerateFileSystemEntries(output.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task TheParametersSetTheImagesTheIngressHostAndTheOtlpEndpoint()
    {
        using var output = new TemporaryDirectory();

        var outcome = await Publishing.AppHostAsync(output.Path,
        [
            "--Parameters:image-registry=registry.example.org/team", "--Parameters:image-tag=2.0.0", "--Parameters:ingress-host=health.example.org",
            "--Parameters:otlp-endpoint=http://otel-collector.observability.svc:4317", "--Parameters:dashboard-image-tag=13.6",
        ], Cancellation);

        Assert.True(outcome.Succeeded, outcome.Log);
        Assert.Equal("registry.example.org/team/health-api:2.0.0", Container(outcome, "health-api/deployment.yaml").Text("image"));
        Assert.Equal("registry.example.org/team/aspire-dashboard:13.6", Container(outcome, "aspire-dashboard/deployment.yaml").Text("image"));
        Assert.Equal("health.example.org", YamlDocuments.LoadOne(outcome.Tree["health-api/ingress.yaml"]).Text("spec.rules[0].host"));
        Assert.Equal("http://otel-collector.observability.svc:4317",
            YamlDocuments.LoadOne(outcome.Tree["water-grpc/configmap.yaml"]).Map("data")["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    }

    [Fact]
    public async Task ANamespaceThePrometheusRulesDoNotSelectIsRefusedNamingBoth()
    {
        using var output = new TemporaryDirectory();

        var outcome = await Publishing.AppHostAsync(output.Path, ["--Parameters:namespace=shop"], Cancellation);

        Assert.False(outcome.Succeeded);
        Assert.Contains("select namespace 'nutrition' (WithPrometheusRules), and parameter namespace is 'shop'", outcome.Log, StringComparison.Ordinal);
        Assert.Empty(outcome.Tree);
    }

    [Fact]
    public async Task TheEarlierPublishersOptionsAreAnotherSpellingOfTheParameters()
    {
        using var output = new TemporaryDirectory();

        var outcome = await Publishing.AppHostAsync(output.Path,
            ["--Kubernetes:ImageRegistry=registry.example.org/team", "--Kubernetes:IngressHost=health.example.org", "--Parameters:image-tag=2.0.0", "--Kubernetes:ImageTag=2.0.0"],
            Cancellation);

        Assert.True(outcome.Succeeded, outcome.Log);
        Assert.Equal("registry.example.org/team/health-api:2.0.0", Container(outcome, "health-api/deployment.yaml").Text("image"));
        Assert.Equal("health.example.org", YamlDocuments.LoadOne(outcome.Tree["health-api/ingress.yaml"]).Text("spec.rules[0].host"));
    }

    [Theory]
    [InlineData("--Kubernetes:Namspace=nutrition", "Kubernetes:Namspace is no setting of environment 'nutrition-aspire'")]
    [InlineData("--Kubernetes:ImageTag=2.0.1", "Parameter image-tag is given twice, as '2.0.0' and as Kubernetes:ImageTag '2.0.1'")]
    public async Task AnUnknownOrConflictingOptionIsRefusedNamingIt(string option, string message)
    {
        using var output = new TemporaryDirectory();

        var outcome = await Publishing.AppHostAsync(output.Path, ["--Parameters:image-tag=2.0.0", option], Cancellation);

        Assert.False(outcome.Succeeded);
        Assert.Contains(message, outcome.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSettingsAreParametersWithTheAppHostsDefaultsThatTheAspireManifestLeavesOut()
    {
        using var output = new TemporaryDirectory();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NutritionAspire_AppHost>(Publishing.StepArguments(output.Path), Cancellation);

        var environment = Assert.Single(builder.Resources.OfType<KubernetesEnvironmentResource>());
        Assert.Equal("nutrition-aspire", environment.Name);
        Assert.True(environment.IsExcludedFromPublish());
        var defaults = KubernetesSetting.All.ToDictionary(setting => setting.ParameterName, setting =>
        {
            var parameter = environment.Parameter(setting);
            Assert.Equal(setting.ParameterName, parameter.Name);
            Assert.False(string.IsNullOrWhiteSpace(parameter.Description));
            Assert.True(parameter.IsExcludedFromPublish());
            Assert.False(parameter.Secret);
            return parameter.Default!.GetDefaultValue();
        });
        Assert.Equal("nutrition", defaults["namespace"]);
        Assert.Equal(("nutritionaspire", "1.0.0"), (defaults["image-registry"], defaults["image-tag"]));
        Assert.Equal("health.k8s.cluster.local", defaults["ingress-host"]);
        Assert.Equal("http://aspire-dashboard:18889", defaults["otlp-endpoint"]);
        // The public edge is the cluster's to say: nothing is believed, and TLS is not assumed, until a publish gives it.
        Assert.Equal(("", "false"), (defaults["ingress-source-networks"], defaults["tls-before-ingress"]));
    }

    [Theory]
    [InlineData("manifests/README.md")]
    [InlineData("manifests/eks/README.md")]
    public void TheReadmesCommandsGiveOnlySettingsTheEnvironmentHas(string readme)
    {
        // The commands (the fenced blocks), since the model has no parameters of its own.
        var commands = string.Concat(Regex.Matches(File.ReadAllText(Path.Combine(RepositoryPaths.Root, readme)), "```bash\n(?<block>.*?)```", RegexOptions.Singleline)
            .Select(block => block.Groups["block"].Value));
        Assert.Contains("--step kubernetes-manifests", commands, StringComparison.Ordinal);

        foreach (Match given in Regex.Matches(commands, @"--(?<form>Parameters|Kubernetes):(?<name>[A-Za-z0-9-]+)="))
        {
            var (form, name) = (given.Groups["form"].Value, given.Groups["name"].Value);
            Assert.True(KubernetesSetting.All.Any(s => form == "Parameters" ? s.ParameterName == name : s.OptionName == name),
                $"{readme} gives --{form}:{name}, which is no setting of the Kubernetes environment.");
        }
    }

    private static YamlDotNet.RepresentationModel.YamlNode Container(PublishOutcome outcome, string file) =>
        YamlDocuments.LoadOne(outcome.Tree[file]).At("spec.template.spec.containers[0]")!;
}
