namespace NutritionAspire;

/// <summary>
/// The resource names of contract §1. They are the AppHost resource names, the Kubernetes object names,
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
/// The fully qualified gRPC service each gRPC resource serves (contract §2). Network policies match the method path
/// <c>/&lt;service&gt;/SayHello</c> literally.
/// </summary>
public static class GrpcServiceNames
{
    public const string Method = "SayHello";

    public static IReadOnlyDictionary<string, string> ByResource { get; } = new Dictionary<string, string>
    {
        [ResourceNames.BmrGrpc] = "bmr.BMRService",
        [ResourceNames.ImcGrpc] = "imc.IMCService",
        [ResourceNames.RecommendationsGrpc] = "recommendations.RecomendationsService",
        [ResourceNames.ProteinsGrpc] = "proteins.ProteinsService",
        [ResourceNames.WaterGrpc] = "water.WaterService",
        [ResourceNames.CaloriesGrpc] = "calories.CaloriesService",
    };
}
