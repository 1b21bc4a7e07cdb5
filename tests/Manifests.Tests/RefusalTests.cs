using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NutritionAspire.Hosting.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// What the publisher cannot map stops the step at once, naming the resource and the setting, and writes nothing; and
/// nothing makes it wait for input.
/// </summary>
public sealed class RefusalTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Models => new()
    {
        { "bind mount", "Resource 'box': the bind mount of '/srv/data' at '/data' cannot be published" },
        { "executable", "Resource 'tool': the executable cannot be published" },
        { "https endpoint", "Resource 'api': endpoint 'secure' cannot be published to Kubernetes: it serves TLS" },
        { "endpoint without target port", "Resource 'box': endpoint 'web' cannot be published to Kubernetes: it names no target port" },
        { "unknown annotation", $"Resource 'box': {typeof(UnknownAnnotation).FullName} cannot be published" },
        { "container runtime arguments", "Resource 'box': ContainerRuntimeArgsCallbackAnnotation cannot be published" },
        { "two external endpoints", "The model has 2 external HTTP endpoints ('api' endpoint 'http', 'box' endpoint 'web')" },
        { "external tcp endpoint", "Resource 'box': endpoint 'tcp' cannot be published to Kubernetes: it is external, and an Ingress routes only HTTP" },
        { "plain parameter without value", "Resource 'api': environment variable REGION cannot be published to Kubernetes: parameter 'region' has no value" },
        { "reference to an excluded resource", "Resource 'api': environment variable BOX_URL cannot be published to Kubernetes: it addresses endpoint 'web' of 'box', which is not published" },
        { "gRPC services without an HTTP/2 endpoint", "Resource 'api': WithGrpcServices cannot be published to Kubernetes: it needs exactly one HTTP/2 endpoint" },
        { "external endpoint without ingress host", "Resource 'api': external endpoint 'http' cannot be published to Kubernetes: parameter ingress-host has no value" },
        { "liveness probe with two successes", "Resource 'api': the Liveness probe cannot be published to Kubernetes: only a readiness probe may ask for more than one success" },
        { "unknown resource type", "Resource 'thing': the Thing cannot be published" },
        { "ingress edge without external endpoint", "Resource 'api': WithIngressEdgeConfiguration cannot be published to Kubernetes: the resource has no external endpoint" },
        { "ingress edge believing every forwarder", "Resource 'api': WithIngressEdgeConfiguration cannot be published to Kubernetes: ASPNETCORE_FORWARDEDHEADERS_ENABLED is set" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task WhatCannotBeMappedFailsTheStepNamingTheResourceAndTheSetting(string model, string message)
    {
        using var output = new TemporaryDirectory();
        var builder = Publishing.Builder(output.Path);
        var environment = builder.AddKubernetesEnvironment("shop");
        if (model != "external endpoint without ingress host")
        {
            environment.WithIngressHost("shop.example.org");
        }

        Build(model, builder);

        var outcome = await Publishing.RunAsync(builder, output.Path, Cancellation);

        Assert.False(outcome.Succeeded, model);
        Assert.Contains(message, outcome.Log, StringComparison.Ordinal);
        Assert.Empty(outcome.Tree);
    }

    [Fact]
    public async Task ASecretParameterWithoutAValueNeitherWaitsNorFails()
    {
        using var output = new TemporaryDirectory();
        // Built as a plain AppHost builds it, with an interactive prompt available: a step that asked for the value would wait.
        var builder = Publishing.Builder(output.Path);
        builder.AddKubernetesEnvironment("shop");
        var password = builder.AddParameter("password", secret: true);
        builder.AddContainer("box", "busybox", "1.36").WithEnvironment("PASSWORD", password);

        var outcome = await Publishing.RunAsync(builder, output.Path, Cancellation);

        Assert.True(outcome.Succeeded, outcome.Log);
        Assert.Contains("secretKeyRef:\n              key: value\n              name: password\n", outcome.Tree["box/deployment.yaml"], StringComparison.Ordinal);
    }

    private static void Build(string model, IDistributedApplicationBuilder builder)
    {
        switch (model)
        {
            case "bind mount":
                builder.AddContainer("box", "busybox", "1.36").WithBindMount("/srv/data", "/data");
                break;
            case "executable":
                builder.AddExecutable("tool", "tool", ".");
                break;
            case "https endpoint":
                builder.AddProject("api", "api/Api.csproj", launchProfileName: null).WithHttpsEndpoint(targetPort: 8443, name: "secure");
                break;
            case "endpoint without target port":
                builder.AddContainer("box", "busybox", "1.36").WithHttpEndpoint(name: "web");
                break;
            case "unknown annotation":
                builder.AddContainer("box", "busybox", "1.36").WithAnnotation(new UnknownAnnotation());
                break;
            case "container runtime arguments":
                builder.AddContainer("box", "busybox", "1.36").WithContainerRuntimeArgs("--memory=256m");
                break;
            case "two external endpoints":
                builder.AddProject("api", "api/Api.csproj", launchProfileName: null).WithHttpEndpoint(targetPort: 8080, name: "http").WithExternalHttpEndpoints();
                builder.AddContainer("box", "busybox", "1.36").WithHttpEndpoint(targetPort: 80, name: "web").WithExternalHttpEndpoints();
                break;
            case "external tcp endpoint":
                builder.AddContainer("box", "busybox", "1.36").WithEndpoint(targetPort: 5432, name: "tcp", isExternal: true);
                break;
            case "plain parameter without value":
                builder.AddProject("api", "api/Api.csproj", launchProfileName: null).WithEnvironment("REGION", builder.AddParameter("region"));
                break;
            case "reference to an excluded resource":
                var box = builder.AddContainer("box", "busybox", "1.36").WithHttpEndpoint(targetPort: 80, name: "web").ExcludeFromManifest();
                builder.AddProject("api", "api/Api.csproj", launchProfileName: null).WithEnvironment("BOX_URL", box.GetEndpoint("web"));
                break;
            case "gRPC services without an HTTP/2 endpoint":
                builder.AddProject("api", "api/Api.csproj", launchProfileName: null).WithHttpEndpoint(targetPort: 8080, name: "http")
                    .WithGrpcServices(Google.Protobuf.WellKnownTypes.Any.Descriptor.File.Services.ToArray());
                break;
            case "external endpoint without ingress host":
                builder.AddProject("api", "api/Api.csproj", launchProfileName: null).WithHttpEndpoint(targetPort: 8080, name: "http").WithExternalHttpEndpoints();
                break;
            case "liveness probe with two successes":
                builder.AddProject("api", "api/Api.csproj", launchProfileName: null).WithHttpEndpoint(targetPort: 8080, name: "http")
                    .WithHttpProbe(ProbeType.Liveness, "/alive", successThreshold: 2, endpointName: "http");
                break;
            case "ingress edge without external endpoint":
                builder.AddProject("api", "api/Api.csproj", launchProfileName: null).WithHttpEndpoint(targetPort: 8080, name: "http")
                    .DisableForwardedHeaders().WithIngressEdgeConfiguration("Edge:Proxies", "Edge:Https");
                break;
            case "ingress edge believing every forwarder":
                // A project's endpoints make Aspire set ASPNETCORE_FORWARDEDHEADERS_ENABLED in publish mode.
                builder.AddProject("api", "api/Api.csproj", launchProfileName: null).WithHttpEndpoint(targetPort: 8080, name: "http")
                    .WithExternalHttpEndpoints().WithIngressEdgeConfiguration("Edge:Proxies", "Edge:Https");
                break;
            case "unknown resource type":
                builder.AddResource(new Thing("thing"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(model), model, null);
        }
    }

    private sealed class UnknownAnnotation : IResourceAnnotation;

    private sealed class Thing(string name) : Resource(name);
}
