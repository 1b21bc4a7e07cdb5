using System.Reflection;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>The programs these tests start, as the build leaves them: in this test project's own configuration.</summary>
internal static class BuiltPrograms
{
    private static readonly string s_configuration =
        typeof(BuiltPrograms).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The AppHost's executable.</summary>
    public static string AppHost { get; } = Path.Combine(RepositoryPaths.Root, "AppHost", "bin", s_configuration, "net10.0",
        OperatingSystem.IsWindows() ? "NutritionAspire.AppHost.exe" : "NutritionAspire.AppHost");

    /// <summary>The benchmark's assembly, run with <c>dotnet</c>.</summary>
    public static string Benchmark { get; } =
        Path.Combine(RepositoryPaths.Root, "tests", "Benchmarks", "bin", s_configuration, "net10.0", "NutritionAspire.Benchmarks.dll");
}
