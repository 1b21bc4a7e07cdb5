namespace NutritionAspire;

/// <summary>
/// The setting through which Aspire service discovery hands a caller the address of a dependency's gRPC endpoint:
/// written by the AppHost (and the generated ConfigMaps), read by the caller.
/// </summary>
public static class ServiceDiscoverySettings
{
    /// <summary>The environment variable, such as <c>services__water-grpc__grpc__0</c>.</summary>
    public static string GrpcVariable(string resourceName) => $"services__{resourceName}__{ResourceNames.GrpcEndpoint}__0";

    /// <summary>The configuration key .NET reads that variable into: <c>__</c> becomes <c>:</c>.</summary>
    public static string GrpcKey(string resourceName) => GrpcVariable(resourceName).Replace("__", ":", StringComparison.Ordinal);
}
