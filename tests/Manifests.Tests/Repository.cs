using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>Paths of the repository and a way to run its documented commands.</summary>
public static class Repository
{
    public static string KubernetesManifests => Path.Combine(RepositoryPaths.Root, "manifests", "kubernetes");

    /// <summary>The built assembly of a service project (its <c>.csproj</c>), in the configuration these tests were built in.</summary>
    public static string ServiceAssembly(string projectPath)
    {
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var (configuration, framework) = (output.Parent!.Name, output.Name);
        return Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration, framework, $"{Path.GetFileNameWithoutExtension(projectPath)}.dll");
    }

    /// <summary>The documented command that regenerates <c>manifests/kubernetes</c>.</summary>
    public const string RegenerateCommand =
        "dotnet run --project AppHost -- --operation publish --step kubernetes-manifests --output-path ../manifests/kubernetes --Pipeline:ClearCache=true";

    /// <summary>
    /// Runs the <c>kubernetes-manifests</c> step into <paramref name="output"/>, as the documented command does: without
    /// the deployment inputs Aspire remembers between runs, and remembering none, so no run leaks into another.
    /// </summary>
    public static Task<ProcessResult> RunManifestsStepAsync(string output, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAppHostAsync(["--operation", "publish", "--step", "kubernetes-manifests", "--output-path", output, "--Pipeline:ClearCache=true", .. arguments],
            cancellationToken);

    /// <summary>Runs the AppHost (already built by this test project) with <paramref name="arguments"/>.</summary>
    public static Task<ProcessResult> RunAppHostAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync("dotnet", ["run", "--project", Path.Combine(RepositoryPaths.Root, "AppHost"), "--no-build", "--no-launch-profile", "--", .. arguments], cancellationToken);

    public static Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(fileName, arguments, RepositoryPaths.Root, cancellationToken);

    /// <summary>Reads every file of a tree, keyed by its path relative to the root with '/' separators.</summary>
    public static SortedDictionary<string, string> ReadTree(string root) =>
        new(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(root, path).Replace('\\', '/'), File.ReadAllText), StringComparer.Ordinal);
}
