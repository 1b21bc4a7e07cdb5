using k8s.Models;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>CPU and memory of one container: what the scheduler reserves (requests) and the most it may use (limits).</summary>
public sealed record ContainerSize(string CpuRequest, string MemoryRequest, string CpuLimit, string MemoryLimit)
{
    public V1ResourceRequirements ToRequirements() => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(CpuRequest), ["memory"] = new(MemoryRequest) },
        Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(CpuLimit), ["memory"] = new(MemoryLimit) },
    };
}

/// <summary>The requests and limits of every container the manifests run, in one place to adjust after measuring.</summary>
public static class ContainerSizes
{
    /// <summary>Each resource of the model (an autoscaler scales on CPU utilisation of the request).</summary>
    public static ContainerSize Workload { get; } = new(CpuRequest: "50m", MemoryRequest: "128Mi", CpuLimit: "500m", MemoryLimit: "256Mi");

    /// <summary>The Aspire dashboard, which keeps the telemetry it receives in memory.</summary>
    public static ContainerSize Dashboard { get; } = new(CpuRequest: "100m", MemoryRequest: "256Mi", CpuLimit: "1", MemoryLimit: "1Gi");
}
