namespace NutritionAspire.Tests;

public static class RepositoryPaths
{
    /// <summary>The repository root: the folder above the test binaries that holds <c>NutritionAspire.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

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
