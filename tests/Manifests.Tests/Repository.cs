using System.Diagnostics;

namespace NutritionAspire.Manifests.Tests;

/// <summary>Paths of the repository and a way to run its documented commands.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string KubernetesManifests => Path.Combine(Root, "manifests", "kubernetes");

    /// <summary>The built assembly of a service project, in the configuration these tests were built in.</summary>
    public static string ServiceAssembly(string project)
    {
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var (configuration, framework) = (output.Parent!.Name, output.Name);
        return Path.Combine(Root, "services", project, "bin", configuration, framework, $"{project}.dll");
    }

    /// <summary>The documented command that regenerates <c>manifests/kubernetes</c>.</summary>
    public const string RegenerateCommand =
        "dotnet run --project AppHost -- --operation publish --step kubernetes-manifests --output-path ../manifests/kubernetes";

    /// <summary>Runs the AppHost (already built by this test project) with <paramref name="arguments"/>.</summary>
    public static Task<ProcessResult> RunAppHostAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync("dotnet", ["run", "--project", Path.Combine(Root, "AppHost"), "--no-build", "--no-launch-profile", "--", .. arguments], cancellationToken);

    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ProcessResult(process.ExitCode, await output, await error);
    }

    /// <summary>Reads every file of a tree, keyed by its path relative to the root with '/' separators.</summary>
    public static SortedDictionary<string, string> ReadTree(string root) =>
        new(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(root, path).Replace('\\', '/'), File.ReadAllText), StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NutritionAspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"NutritionAspire.sln not found above {AppContext.BaseDirectory}.");
    }
}

public sealed record ProcessResult(int ExitCode, string Output, string Error);
