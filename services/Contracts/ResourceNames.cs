using Google.Protobuf.Reflection;
using NutritionAspire.Contracts.Bmr;
using NutritionAspire.Contracts.Calories;
using NutritionAspire.Contracts.Imc;
using NutritionAspire.Contracts.Proteins;
using NutritionAspire.Contracts.Recommendations;
using NutritionAspire.Contracts.Water;

namespace NutritionAspire;

/// <summary>
/// The resource names of docs/contract.md §1. They are the AppHost resource names, the Kubernetes object names,
/// the service-discovery host names and the OpenTelemetry <c>service.name</c> of each service.
/// </summary>
public static class ResourceNames
{
    public const string HealthApi = "health-api";
    public const string BmrGrpc = "bmr-grpc";
    public const string ImcGrpc = "imc-grpc";
    public const string RecommendationsGrpc = "recommendations-grpc";
    public const string ProteinsGrpc = "proteins-grpc";
    public const string WaterGrpc = "water-grpc";
    public const string CaloriesGrpc = "calories-grpc";

    /// <summary>Local Prometheus, scraping every service (run mode only; the cluster has its own).</summary>
    public const string Prometheus = "prometheus";

    /// <summary>Local Grafana with the project's dashboards (run mode only).</summary>
    public const string Grafana = "grafana";

    /// <summary>The h2c endpoint every gRPC service serves its API on (30000 in a container).</summary>
    public const string GrpcEndpoint = "grpc";

    /// <summary>The HTTP/1.1 endpoint for health and metrics (8080 in a container).</summary>
    public const string HttpEndpoint = "http";
}

/// <summary>
/// The gRPC service each gRPC resource serves (docs/contract.md §2), taken from the descriptors compiled from the protos, so
/// the names Cilium's L7 rules match literally are never typed by hand.
/// </summary>
public static class GrpcServiceNames
{
    private static readonly Dictionary<string, ServiceDescriptor> s_byResource = new()
    {
        [ResourceNames.BmrGrpc] = BMRService.Descriptor,
        [ResourceNames.ImcGrpc] = IMCService.Descriptor,
        [ResourceNames.RecommendationsGrpc] = RecomendationsService.Descriptor,
        [ResourceNames.ProteinsGrpc] = ProteinsService.Descriptor,
        [ResourceNames.WaterGrpc] = WaterService.Descriptor,
        [ResourceNames.CaloriesGrpc] = CaloriesService.Descriptor,
    };

    /// <summary>The HTTP/2 path of every method of the resource's service, as a gRPC call sends it: <c>/bmr.BMRService/SayHello</c>.</summary>
    public static IReadOnlyList<string> MethodPaths(string resourceName) =>
        s_byResource.TryGetValue(resourceName, out var service)
            ? [.. service.Methods.Select(method => $"/{service.FullName}/{method.Name}")]
            : throw new InvalidOperationException($"Resource '{resourceName}' serves no gRPC service of the contract.");
}
