using k8s.Models;
using NutritionAspire.AppHost.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>The objects the generator derives for one service of a model.</summary>
public sealed class ServiceWorkloadsTests
{
    private static readonly ProbeSpec s_probe = new("http", "/healthz");

    [Fact]
    public void TheAutoscalerStartsFromTheModelsReplicasAndTheDeploymentLeavesTheCountToIt()
    {
        var service = new ServiceSpec("water-grpc", [new("grpc", 30000, IsGrpc: true), new("http", 8080, IsGrpc: false)], [],
            Replicas: 3, IsExternal: false, s_probe, s_probe, s_probe);

        var objects = ServiceWorkloads.For(service, [service], new KubernetesManifestOptions()).Select(o => o.Object).ToList();

        Assert.Null(Assert.Single(objects.OfType<V1Deployment>()).Spec.Replicas);
        var autoscaler = Assert.Single(objects.OfType<V2HorizontalPodAutoscaler>());
        Assert.Equal((3, 15), (autoscaler.Spec.MinReplicas, autoscaler.Spec.MaxReplicas));
        Assert.Equal("1", Assert.Single(objects.OfType<V1PodDisruptionBudget>()).Spec.MaxUnavailable?.Value);
        Assert.Empty(objects.OfType<V1Ingress>());
    }

    [Fact]
    public void ACallerFindsEachReferenceThroughItsDiscoveryVariableAndAnExternalServiceGetsTheIngressHost()
    {
        var water = new ServiceSpec("water-grpc", [new("grpc", 30000, IsGrpc: true), new("http", 8080, IsGrpc: false)], [],
            Replicas: 2, IsExternal: false, s_probe, s_probe, s_probe);
        var caller = new ServiceSpec("health-api", [new("http", 8080, IsGrpc: false)], ["water-grpc"],
            Replicas: 2, IsExternal: true, s_probe, s_probe, s_probe);

        var objects = ServiceWorkloads.For(caller, [water, caller], new KubernetesManifestOptions { IngressHost = "health.example.org" })
            .Select(o => o.Object).ToList();

        var configMap = Assert.Single(objects.OfType<V1ConfigMap>());
        Assert.Equal("http://water-grpc:30000", configMap.Data["services__water-grpc__grpc__0"]);
        Assert.Equal("health.example.org", Assert.Single(Assert.Single(objects.OfType<V1Ingress>()).Spec.Rules).Host);
    }
}
