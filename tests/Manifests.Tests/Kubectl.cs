using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// <c>kubectl kustomize</c>, which renders a kustomize tree as the cluster would get it. Where kubectl is missing it is
/// installed from Debian's packages when this process may (as root); a test that needs it then skips, except in CI
/// (<c>CI=true</c>), where a missing kubectl fails it.
/// </summary>
public static class Kubectl
{
    private static readonly SemaphoreSlim s_install = new(1, 1);

    public static async Task<string> KustomizeAsync(string directory, CancellationToken cancellationToken)
    {
        await RequireAsync(cancellationToken);
        var result = await ProcessRunner.RunAsync("kubectl", ["kustomize", directory], RepositoryPaths.Root, cancellationToken);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {directory} failed: {result.Error}");
        return result.Output;
    }

    private static async Task RequireAsync(CancellationToken cancellationToken)
    {
        await s_install.WaitAsync(cancellationToken);
        try
        {
            if (!IsInstalled() && Environment.UserName == "root" && OperatingSystem.IsLinux())
            {
                await ProcessRunner.RunAsync("apt-get", ["update", "-qq"], RepositoryPaths.Root, cancellationToken);
                await ProcessRunner.RunAsync("apt-get", ["install", "-y", "-qq", "kubectl"], RepositoryPaths.Root, cancellationToken);
            }
        }
        finally
        {
            s_install.Release();
        }

        if (!IsInstalled())
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "kubectl is needed to render the manifests, and it is not installed.");
            Assert.Skip("kubectl is not installed.");
        }
    }

    private static bool IsInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(directory => File.Exists(Path.Combine(directory, "kubectl")));
}
