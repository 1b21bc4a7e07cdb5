using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NutritionAspire.AppHost.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>What the publisher reads from a model, and how it refuses what it cannot map, naming the resource.</summary>
public sealed class ServiceModelReaderTests
{
    [Fact]
    public void ReadsPortsReferencesProbesAndReplicas()
    {
        var builder = PublishBuilder();
        var callee = AddService(builder, "callee", grpc: true).WithReplicas(3);
        AddService(builder, "caller", grpc: false)
            .WithHttpProbe(ProbeType.Liveness, "/liveness", endpointName: "http")
            .WithReference(callee);

        var services = ServiceModelReader.Read(builder.Resources);

        Assert.Equal(["callee", "caller"], services.Select(s => s.Name));
        var calleeSpec = services[0];
        Assert.Equal(new ServicePortSpec("grpc", 30000, IsGrpc: true), calleeSpec.Grpc);
        Assert.Equal(new ServicePortSpec("http", 8080, IsGrpc: false), calleeSpec.Http);
        Assert.Equal(3, calleeSpec.Replicas);
        Assert.Empty(calleeSpec.References);
        Assert.Equal(new ProbeSpec("http", "/ready"), calleeSpec.Liveness);
        var callerSpec = services[1];
        Assert.Null(callerSpec.Grpc);
        Assert.Equal(["callee"], callerSpec.References);
        Assert.Equal(new ProbeSpec("http", "/liveness"), callerSpec.Liveness);
        Assert.Equal(new ProbeSpec("http", "/ready"), callerSpec.Startup);
    }

    [Fact]
    public void AContainerIsRefusedUnlessItIsExcludedFromPublishing()
    {
        var builder = PublishBuilder();
        AddService(builder, "api", grpc: false);
        var cache = builder.AddContainer("cache", "redis");

        var error = Assert.Throws<InvalidOperationException>(() => ServiceModelReader.Read(builder.Resources));
        Assert.Contains("'cache' is a ContainerResource", error.Message, StringComparison.Ordinal);

        cache.ExcludeFromManifest();
        Assert.Equal(["api"], ServiceModelReader.Read(builder.Resources).Select(s => s.Name));
    }

    [Fact]
    public void AnHttpsEndpointIsRefused()
    {
        var builder = PublishBuilder();
        AddService(builder, "api", grpc: false).WithHttpsEndpoint(targetPort: 8443, name: "secure");

        var error = Assert.Throws<InvalidOperationException>(() => ServiceModelReader.Read(builder.Resources));
        Assert.Contains("Resource 'api' endpoint 'secure' must be plain http", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AReferenceToAServiceWithoutGrpcIsRefused()
    {
        var builder = PublishBuilder();
        var plain = AddService(builder, "plain", grpc: false);
        AddService(builder, "caller", grpc: false).WithReference(plain);

        var error = Assert.Throws<InvalidOperationException>(() => ServiceModelReader.Read(builder.Resources));
        Assert.Contains("Resource 'caller' references 'plain', which is not a gRPC service", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AServiceWithoutAReadinessProbeIsRefused()
    {
        var builder = PublishBuilder();
        builder.AddProject("bare", "bare/Bare.csproj", launchProfileName: null).WithHttpEndpoint(targetPort: 8080, name: "http");

        var error = Assert.Throws<InvalidOperationException>(() => ServiceModelReader.Read(builder.Resources));
        Assert.Contains("Resource 'bare' has no readiness probe", error.Message, StringComparison.Ordinal);
    }

    private static IDistributedApplicationBuilder PublishBuilder() =>
        DistributedApplication.CreateBuilder(["--operation", "publish"]);

    /// <summary>A project shaped like the AppHost's services: an HTTP/1.1 endpoint with a readiness probe, and maybe gRPC.</summary>
    private static IResourceBuilder<ProjectResource> AddService(IDistributedApplicationBuilder builder, string name, bool grpc)
    {
        var service = builder.AddProject(name, $"{name}/{name}.csproj", launchProfileName: null)
            .WithHttpEndpoint(targetPort: 8080, name: "http")
            .WithHttpProbe(ProbeType.Readiness, "/ready", endpointName: "http");
        return grpc
            ? service.WithEndpoint(targetPort: 30000, scheme: "http", name: "grpc").WithEndpoint("grpc", endpoint => endpoint.Transport = "http2")
            : service;
    }
}
