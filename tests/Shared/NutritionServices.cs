namespace NutritionAspire.Tests;

/// <summary>The services of the system, as every test project names them.</summary>
public static class NutritionServices
{
    /// <summary>The seven services, callees before their callers (the order the AppHost starts them in).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ResourceNames.WaterGrpc, ResourceNames.ProteinsGrpc, ResourceNames.CaloriesGrpc, ResourceNames.RecommendationsGrpc,
        ResourceNames.BmrGrpc, ResourceNames.ImcGrpc, ResourceNames.HealthApi,
    ];

    /// <summary>The six gRPC services.</summary>
    public static IReadOnlyList<string> Grpc { get; } = [.. All.Where(name => name != ResourceNames.HealthApi)];
}
