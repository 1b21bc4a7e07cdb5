using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s.Models;
using NutritionAspire.Hosting.Kubernetes;
using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// The in-cluster Aspire dashboard asks for credentials: a token from the browser and an API key from every OTLP
/// sender, each read from a Secret the operator creates; every service sends that key, read from the same Secret; and
/// no credential is written anywhere in the output.
/// </summary>
public sealed class DashboardAuthTests
{
    /// <summary>The Secrets manifests/README.md tells the operator to create, written out.</summary>
    private const string BrowserTokenSecret = "aspire-dashboard-browser-token";

    private const string OtlpApiKeySecret = "aspire-dashboard-otlp-api-key";

    /// <summary>
    /// What the dashboard images of tag 13.1 read (Aspire.Dashboard's configuration names, its FrontendAuthMode and
    /// OtlpAuthMode, the header its OTLP API key handler reads, the logger of its login link), written out from Aspire's
    /// sources at v13.1.x.
    /// </summary>
    private const string DashboardTag = "13.1";

    private static readonly (string Secret, string Key) s_otlpApiKey = (OtlpApiKeySecret, "value");

    /// <summary>Values a cluster would hold, for working out what the pods start with.</summary>
    private static readonly Dictionary<(string Secret, string Key), string> s_clusterSecrets = new()
    {
        [(BrowserTokenSecret, "value")] = "browser-token-of-the-cluster",
        [s_otlpApiKey] = "0123456789abcdef",
    };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void TheDashboardAsksTheBrowserForATokenAndOtlpSendersForAnApiKeyEachFromASecret()
    {
        var dashboard = Assert.Single(ManifestFiles.OfType<V1Deployment>(), d => d.Metadata.Name == "aspire-dashboard");
        var container = Assert.Single(dashboard.Spec.Template.Spec.Containers);

        // The names below are those of this image's configuration; moving the tag means checking them again.
        Assert.EndsWith($"/aspire-dashboard:{DashboardTag}", container.Image, StringComparison.Ordinal);
        var env = container.Env.ToDictionary(e => e.Name, StringComparer.Ordinal);
        Assert.Equal("BrowserToken", env["DASHBOARD__FRONTEND__AUTHMODE"].Value);
        AssertFromSecret(env["DASHBOARD__FRONTEND__BROWSERTOKEN"], (BrowserTokenSecret, "value"));
        Assert.Equal("ApiKey", env["DASHBOARD__OTLP__AUTHMODE"].Value);
        AssertFromSecret(env["DASHBOARD__OTLP__PRIMARYAPIKEY"], s_otlpApiKey);
        // Nothing that would let anyone in without credentials.
        Assert.DoesNotContain(container.Env, e => e.Value == "Unsecured");
        Assert.DoesNotContain("ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS", env.Keys);
        Assert.Null(container.EnvFrom);
        // The token stays out of the pod's log: the start-up line with the login link is written at Information.
        Assert.Equal("Warning", env["Logging__LogLevel__Aspire.Dashboard.DashboardWebApplication"].Value);
    }

    [Fact]
    public void EveryServiceSendsTheDashboardsApiKeyReadFromTheSameSecret()
    {
        var configMaps = ManifestFiles.OfType<V1ConfigMap>().ToDictionary(c => c.Metadata.Name, c => c.Data, StringComparer.Ordinal);
        var containers = ManifestFiles.OfType<V1Deployment>().ToDictionary(d => d.Metadata.Name, d => Assert.Single(d.Spec.Template.Spec.Containers));
        var dashboardKey = KubeletEnvironment.Of(containers["aspire-dashboard"], configMaps, s_clusterSecrets)["DASHBOARD__OTLP__PRIMARYAPIKEY"];

        var exporters = containers.Where(c => KubeletEnvironment.Of(c.Value, configMaps, s_clusterSecrets).ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT")).ToList();

        Assert.Equal(["bmr-grpc", "calories-grpc", "health-api", "imc-grpc", "proteins-grpc", "recommendations-grpc", "water-grpc"],
            exporters.Select(e => e.Key).Order(StringComparer.Ordinal));
        foreach (var (service, container) in exporters)
        {
            var environment = KubeletEnvironment.Of(container, configMaps, s_clusterSecrets);
            Assert.Equal("http://aspire-dashboard:18889", environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            Assert.Equal($"x-otlp-api-key={dashboardKey}", environment["OTEL_EXPORTER_OTLP_HEADERS"]);
            // The header is put together in the pod: its ConfigMap holds neither it nor the key.
            Assert.DoesNotContain("OTEL_EXPORTER_OTLP_HEADERS", configMaps[$"{service}-env"].Keys);
            var header = Assert.Single(container.Env, e => e.Name == "OTEL_EXPORTER_OTLP_HEADERS");
            var keyVariable = Assert.Single(container.Env, e => header.Value == $"x-otlp-api-key=$({e.Name})");
            AssertFromSecret(keyVariable, s_otlpApiKey);
        }
    }

    [Fact]
    public void NoCredentialIsWrittenInTheCommittedTree()
    {
        // The operator creates the Secrets; the output only refers to them.
        Assert.Empty(ManifestFiles.OfType<V1Secret>());
        var references = ManifestFiles.OfType<V1Deployment>()
            .SelectMany(d => d.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? []))
            .Where(e => e.ValueFrom?.SecretKeyRef is not null)
            .ToList();
        Assert.All(references, e => Assert.Null(e.Value));
        // The model has no secret parameters: the dashboard's two Secrets are all the pods read.
        Assert.Equal([(BrowserTokenSecret, "value"), s_otlpApiKey],
            references.Select(e => (e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)).Distinct().Order());
        Assert.All(ManifestFiles.OfType<V1ConfigMap>().Where(c => c.Metadata.Name.EndsWith("-env", StringComparison.Ordinal)).SelectMany(c => c.Data),
            setting => Assert.DoesNotMatch("(?i)api.?key|token|otlp_headers|authorization", setting.Key));
        Assert.DoesNotContain(ManifestFiles.Tree, file => s_clusterSecrets.Values.Any(value => file.Value.Contains(value, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ToAnotherOtlpEndpointTheModelsOwnCredentialsGoAndTheDashboardsKeyStaysHome()
    {
        using var output = new TemporaryDirectory();
        var builder = Publishing.Builder(output.Path, "--Parameters:otlp-endpoint=https://api.honeycomb.io:443");
        builder.AddKubernetesEnvironment("shop");
        var team = builder.AddParameter("honeycomb-team", secret: true);
        builder.AddProject("api", "api/Api.csproj", launchProfileName: null)
            .WithHttpEndpoint(targetPort: 8080, name: "http")
            .WithOtlpExporter()
            .WithEnvironment("OTEL_EXPORTER_OTLP_HEADERS", ReferenceExpression.Create($"x-honeycomb-team={team}"));

        var outcome = await Publishing.RunAsync(builder, output.Path, Cancellation);

        Assert.True(outcome.Succeeded, outcome.Log);
        var api = Assert.Single(ManifestFiles.LoadStrictly(outcome.Tree["api/deployment.yaml"]).OfType<V1Deployment>());
        var environment = KubeletEnvironment.Of(Assert.Single(api.Spec.Template.Spec.Containers),
            new Dictionary<string, IDictionary<string, string>> { ["api-env"] = YamlDocuments.LoadOne(outcome.Tree["api/configmap.yaml"]).Map("data").ToDictionary() },
            new Dictionary<(string, string), string> { [("honeycomb-team", "value")] = "team-key" });
        Assert.Equal("x-honeycomb-team=team-key", environment["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.DoesNotContain(OtlpApiKeySecret, outcome.Tree["api/deployment.yaml"], StringComparison.Ordinal);
        // The dashboard still asks for its key, so nothing in the cluster writes telemetry into it unasked.
        Assert.Contains($"name: {OtlpApiKeySecret}", outcome.Tree["aspire-dashboard/deployment.yaml"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS")]
    [InlineData("DASHBOARD_OTLP_API_KEY")]
    public async Task AModelsOwnSettingOfTheDashboardsHeaderIsRefusedNamingIt(string variable)
    {
        using var output = new TemporaryDirectory();
        var builder = Publishing.Builder(output.Path);
        builder.AddKubernetesEnvironment("shop");
        builder.AddProject("api", "api/Api.csproj", launchProfileName: null)
            .WithHttpEndpoint(targetPort: 8080, name: "http")
            .WithOtlpExporter()
            .WithEnvironment(variable, "x-other=1");

        var outcome = await Publishing.RunAsync(builder, output.Path, Cancellation);

        Assert.False(outcome.Succeeded);
        Assert.Contains($"Resource 'api': environment variable {variable} cannot be published to Kubernetes: the publisher sets it to send " +
            $"the in-cluster dashboard's OTLP API key (Secret {OtlpApiKeySecret})", outcome.Log, StringComparison.Ordinal);
        Assert.Empty(outcome.Tree);
    }

    [Theory]
    [InlineData("manifests/README.md")]
    [InlineData("manifests/eks/README.md")]
    public void TheReadmeCreatesEverySecretThePodsReadWithARandomValueAndOpensTheDashboardWithItsToken(string readme)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, readme));
        var secrets = ManifestFiles.OfType<V1Deployment>()
            .SelectMany(d => d.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? []))
            .Select(e => e.ValueFrom?.SecretKeyRef?.Name)
            .OfType<string>()
            .Distinct();

        Assert.All(secrets, secret => Assert.Contains(
            $"kubectl -n nutrition create secret generic {secret} --from-literal=value=\"$(openssl rand -hex 32)\"", text, StringComparison.Ordinal));
        Assert.Contains("kubectl -n nutrition port-forward svc/aspire-dashboard 18888", text, StringComparison.Ordinal);
        Assert.Contains(
            $"http://localhost:18888/login?t=$(kubectl -n nutrition get secret {BrowserTokenSecret} -o jsonpath='{{.data.value}}' | base64 -d)", text, StringComparison.Ordinal);
    }

    private static void AssertFromSecret(V1EnvVar variable, (string Secret, string Key) expected)
    {
        Assert.Null(variable.Value);
        Assert.Equal(expected, (variable.ValueFrom.SecretKeyRef.Name, variable.ValueFrom.SecretKeyRef.Key));
        Assert.NotEqual(true, variable.ValueFrom.SecretKeyRef.Optional);
    }
}
