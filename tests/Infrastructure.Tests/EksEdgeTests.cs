using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NutritionAspire.Tests;
using YamlDotNet.RepresentationModel;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>
/// The public edge of <c>manifests/eks</c>: the ingress NLB serves TLS on every listener with the ACM certificate of
/// <c>ingress_certificate_arn</c> and a TLS 1.2+ policy, the certificate is one of the cluster's region, every load
/// balancer annotation is one the pinned controller reads, and the README gets the certificate and calls over HTTPS.
/// </summary>
public sealed partial class EksEdgeTests
{
    private const string AnnotationsPath = "ingressController.service.annotations";
    private const string ServicePrefix = "service.beta.kubernetes.io/";
    private const string CertificateAnnotation = ServicePrefix + "aws-load-balancer-ssl-cert";
    private const string CertificateVariable = "ingress_certificate_arn";

    /// <summary>
    /// The ports the pinned Cilium chart gives <c>cilium-ingress</c> whatever the values
    /// (<c>templates/cilium-ingress-service.yaml</c>), each with the values key of its node port.
    /// </summary>
    private static readonly (string Name, int Port, string NodePortKey)[] s_ingressPorts =
        [("http", 80, "ingressController.service.insecureNodePort"), ("https", 443, "ingressController.service.secureNodePort")];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryListenerOfTheIngressLoadBalancerServesTlsWithTheCertificateVariable()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var annotations = IngressAnnotations(files);
        var chart = ChartDefaults.Load("cilium", EksFolder.ChartVersions(files)["cilium"]);
        Assert.All(s_ingressPorts, port => Assert.NotNull(chart.Default(port.NodePortKey)));

        Assert.Equal($"${{var.{CertificateVariable}}}", annotations[CertificateAnnotation]);

        // With a certificate, the controller makes the listener of a Service port TLS when aws-load-balancer-ssl-ports
        // is absent or names the port (by name or number); a plain listener would answer plain HTTP, which an NLB
        // cannot redirect.
        var tlsPorts = annotations.TryGetValue(ServicePrefix + "aws-load-balancer-ssl-ports", out var listed)
            ? listed.Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal)
            : null;
        Assert.All(s_ingressPorts, port => Assert.True(
            tlsPorts is null || tlsPorts.Contains(port.Name) || tlsPorts.Contains(port.Port.ToString(CultureInfo.InvariantCulture)),
            $"The NLB's listener on port {port.Port} ({port.Name}) would serve plain HTTP."));

        // TLS 1.3 and 1.2 only; the controller's default policy, ELBSecurityPolicy-2016-08, accepts TLS 1.0.
        Assert.Matches("^ELBSecurityPolicy-TLS13-1-2-", annotations[ServicePrefix + "aws-load-balancer-ssl-negotiation-policy"]);

        // Envoy holds no certificate: TLS from the NLB to the nodes would fail every connection.
        Assert.NotEqual("ssl", annotations.GetValueOrDefault(ServicePrefix + "aws-load-balancer-backend-protocol"));
    }

    [Fact]
    public async Task TheCertificateIsRequiredAndOfTheClustersRegion()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var variable = EksFolder.Variables(files).Single(v => v.Name == CertificateVariable).Body;
        Assert.False(variable.TryGetProperty("default", out _), $"{CertificateVariable} must have no default: every cluster has its own certificate.");

        var condition = Assert.Single(variable.GetProperty("validation").EnumerateArray()).GetProperty("condition").GetString()!;
        var pattern = new Regex(Unquote(ValidationPattern().Match(condition).Groups["pattern"].Value), RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.DoesNotMatch(pattern, "arn:aws:iam::111122223333:server-certificate/health");
        Assert.DoesNotMatch(pattern, "arn:aws:acm:eu-west-1:111122223333:certificate/a,arn:aws:acm:eu-west-1:111122223333:certificate/b");

        // An NLB takes certificates of its own region only: the release checks it before anything is installed.
        var cilium = EksFolder.Resources(files, "helm_release").Single(r => r.Name == "cilium").Body;
        var preconditions = cilium.GetProperty("lifecycle")[0].GetProperty("precondition").EnumerateArray()
            .Select(p => p.GetProperty("condition").GetString()).ToList();
        Assert.Contains($"${{split(\":\", var.{CertificateVariable})[3] == var.region}}", preconditions);

        var defaultRegion = EksFolder.Variables(files).Single(v => v.Name == "region").Body.GetProperty("default").GetString()!;
        foreach (var (file, content) in files.Where(f => f.Key.EndsWith(".tfvars", StringComparison.Ordinal)))
        {
            Assert.True(content.TryGetProperty(CertificateVariable, out var arn), $"{file} has no {CertificateVariable}, which has no default.");
            Assert.Matches(pattern, arn.GetString()!);
            var region = content.TryGetProperty("region", out var set) ? set.GetString() : defaultRegion;
            Assert.True(arn.GetString()!.Split(':')[3] == region, $"{file}: the certificate is not of the region {region}.");
        }
    }

    [Fact]
    public async Task EveryLoadBalancerAnnotationIsOneThePinnedControllerReads()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var version = EksFolder.ChartVersions(files)["aws_load_balancer_controller"];
        var file = Path.Combine(RepositoryPaths.Root, "tests", "Infrastructure.Tests", "Upstream", $"aws-load-balancer-controller-{version}-service-annotations.txt");
        Assert.True(File.Exists(file),
            $"No annotation data for the load balancer controller {version}: after moving the pin, run tests/Infrastructure.Tests/Upstream/refresh.py and review its diff.");
        var known = File.ReadLines(file).Where(line => line.Length > 0 && line[0] != '#').ToHashSet(StringComparer.Ordinal);
        Assert.Contains(CertificateAnnotation, known);

        // Listener attributes are a prefix: aws-load-balancer-listener-attributes.TCP-80 and the like.
        var unknown = IngressAnnotations(files).Keys
            .Where(key => key.StartsWith(ServicePrefix, StringComparison.Ordinal))
            .Where(key => !known.Contains(key) && !known.Any(annotation => key.StartsWith(annotation + ".", StringComparison.Ordinal)))
            .ToList();
        Assert.True(unknown.Count == 0, $"The load balancer controller {version} reads none of: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void TheReadmeGetsADnsValidatedCertificateAndCallsOverHttps()
    {
        var readme = File.ReadAllText(Path.Combine(EksFolder.Path, "README.md"));

        Assert.Contains("aws acm request-certificate", readme, StringComparison.Ordinal);
        Assert.Contains("--validation-method DNS", readme, StringComparison.Ordinal);
        Assert.Contains("aws acm wait certificate-validated", readme, StringComparison.Ordinal);
        Assert.Contains(CertificateVariable, readme, StringComparison.Ordinal);

        // Every request to the public host goes over HTTPS, as the only listener there is.
        var plain = PlainHttpToTheHost().Matches(readme).Select(m => m.Value).ToList();
        Assert.True(plain.Count == 0, "The README calls the public host over plain HTTP: " + string.Join(", ", plain));
        Assert.Matches(@"curl [^\n]*""https://\$host/calculator""", readme);
    }

    [Fact]
    public async Task TheReadmeTellsHealthApiWhereItsHttpsEdgeIs()
    {
        var files = await EksFolder.ParseOrSkipAsync(Cancellation);
        var readme = File.ReadAllText(Path.Combine(EksFolder.Path, "README.md"));
        var outputs = EksFolder.Blocks(files, "output").SelectMany(block => block.EnumerateObject())
            .ToDictionary(o => o.Name, o => o.Value[0].GetProperty("value").GetString());

        // The ingress's Envoy connects from addresses Cilium takes from the nodes' ENIs: the VPC's, given to the publish.
        Assert.Equal("${module.vpc.vpc_cidr_block}", outputs["vpc_cidr"]);
        Assert.Contains(@"--Parameters:ingress-source-networks=""$(tofu -chdir=manifests/eks output -raw vpc_cidr)""", readme, StringComparison.Ordinal);
        // TLS ends at the NLB, before the proxy health-api trusts.
        Assert.Contains("--Parameters:tls-before-ingress=true", readme, StringComparison.Ordinal);
        // The publish writes health-api's settings, and its output is what is applied: no hand patch after it.
        Assert.DoesNotContain("patch configmap", readme, StringComparison.Ordinal);
        var tree = PublishOutput().Match(readme);
        Assert.True(tree.Success, "The README does not publish the manifests.");
        Assert.Contains($"kubectl apply -k {tree.Groups["tree"].Value}\n", readme, StringComparison.Ordinal);
    }

    /// <summary>The annotations of the <c>cilium-ingress</c> Service: those of the values file, and those the release sets.</summary>
    private static Dictionary<string, string> IngressAnnotations(IReadOnlyDictionary<string, JsonElement> files)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (EksFolder.Node(EksFolder.LoadValues("cilium.yaml"), AnnotationsPath) is YamlMappingNode mapping)
        {
            foreach (var (key, value) in mapping.Children)
            {
                annotations[((YamlScalarNode)key).Value!] = ((YamlScalarNode)value).Value!;
            }
        }

        var release = EksFolder.Resources(files, "helm_release").Single(r => r.Name == "cilium").Body;
        foreach (var set in release.TryGetProperty("set", out var sets) ? sets.EnumerateArray() : [])
        {
            var keys = ValuesPath.Split(set.GetProperty("name").GetString()!);
            if (ValuesPath.Join(keys.Take(keys.Count - 1)) == AnnotationsPath)
            {
                annotations[keys[^1]] = set.GetProperty("value").GetString()!;
            }
        }

        return annotations;
    }

    /// <summary>The text of an HCL string literal as the parser's JSON form writes it (<c>\"</c> and <c>\\</c> escaped).</summary>
    private static string Unquote(string literal) => literal.Replace("\\\\", "\\", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal);

    [GeneratedRegex(@"regex\(""(?<pattern>(?:[^""\\]|\\.)*)""")]
    private static partial Regex ValidationPattern();

    /// <summary>Where the README's publish writes the tree, relative to the repository root (the AppHost resolves it from its own folder).</summary>
    [GeneratedRegex(@"--step kubernetes-manifests --output-path \.\./(?<tree>\S+)")]
    private static partial Regex PublishOutput();

    /// <summary>A quoted plain-HTTP URL of the host or the NLB, as a command would pass it.</summary>
    [GeneratedRegex(@"""http://\$\{?(host|nlb)\b")]
    private static partial Regex PlainHttpToTheHost();
}
