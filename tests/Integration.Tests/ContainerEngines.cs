namespace NutritionAspire.Integration.Tests;

/// <summary>A machine whose container engine is installed but not running, as on many laptops: its CLI finds no daemon.</summary>
public static class ContainerEngines
{
    private const string NoSocket = "unix:///nonexistent/engine.sock";

    /// <summary>The orchestrator uses Docker, and Docker's CLI looks for its daemon at a socket nothing listens on.</summary>
    public static IReadOnlyDictionary<string, string> UnreachableEnvironment { get; } = new Dictionary<string, string>
    {
        ["ASPIRE_CONTAINER_RUNTIME"] = "docker",
        ["DOCKER_HOST"] = NoSocket,
    };

    /// <summary>Makes the engines unreachable for this process and what it starts (the orchestrator included).</summary>
    public static void MakeUnreachable()
    {
        foreach (var (name, value) in UnreachableEnvironment)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
