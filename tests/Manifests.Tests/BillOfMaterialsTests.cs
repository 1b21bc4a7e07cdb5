using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// Every service image has a CycloneDX bill of materials, written by its publish (<c>Directory.Build.targets</c>) with
/// the CycloneDX tool pinned in the tool manifest, and the bill lists the packages the service references at the
/// versions <c>Directory.Packages.props</c> pins.
/// </summary>
public sealed partial class BillOfMaterialsTests
{
    private const string Target = "BillOfMaterials";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void EveryServiceImageIsPublishedWithItsBillOfMaterials()
    {
        // The target runs after Publish, the target dotnet publish /t:PublishContainer runs before it builds the image
        // from the publish folder, for every project that names an image repository.
        var targets = XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Build.targets"));
        var target = Assert.Single(targets.Root!.Elements("Target"), t => (string?)t.Attribute("Name") == Target);
        Assert.Equal("Publish", (string?)target.Attribute("AfterTargets"));
        Assert.Equal("'$(ContainerRepository)' != ''", (string?)target.Attribute("Condition"));

        var repositories = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "services"), "*.csproj", SearchOption.AllDirectories)
            .Select(project => XDocument.Load(project).Descendants("ContainerRepository").SingleOrDefault()?.Value)
            .OfType<string>();
        Assert.Equal(NutritionServices.All.Order(StringComparer.Ordinal), repositories.Order(StringComparer.Ordinal));

        var tools = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, ".config", "dotnet-tools.json"))).RootElement;
        var tool = tools.GetProperty("tools").GetProperty("cyclonedx");
        Assert.Matches(@"^\d+\.\d+\.\d+$", tool.GetProperty("version").GetString());
        Assert.Contains("dotnet-CycloneDX", tool.GetProperty("commands").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task TheBillListsThePackagesTheServiceReferencesAtTheirCentralVersions()
    {
        var project = Path.Combine(RepositoryPaths.Root, "services", "HealthApi", "NutritionAspire.HealthApi.csproj");
        var output = Directory.CreateTempSubdirectory("bill-of-materials-");
        try
        {
            var result = await Repository.RunAsync("dotnet",
                ["msbuild", project, $"-t:{Target}", $"-p:BillOfMaterialsDirectory={output.FullName}", "-nologo"], Cancellation);
            Assert.True(result.ExitCode == 0, $"The {Target} target failed ({result.ExitCode}):\n{result.Output}\n{result.Error}");

            using var bill = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.FullName, $"{ResourceNames.HealthApi}.cdx.json"), Cancellation));
            var root = bill.RootElement;
            Assert.Equal("CycloneDX", root.GetProperty("bomFormat").GetString());
            Assert.Equal(ResourceNames.HealthApi, root.GetProperty("metadata").GetProperty("component").GetProperty("name").GetString());
            var components = root.GetProperty("components").EnumerateArray()
                .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone(), StringComparer.Ordinal);

            var versions = CentralVersions();
            var (packages, projects) = References(project);
            Assert.Contains("Grpc.AspNetCore", packages.Keys);
            Assert.Contains(packages.Keys, name => name.StartsWith("OpenTelemetry.", StringComparison.Ordinal));
            foreach (var (package, shipped) in packages)
            {
                Assert.True(components.TryGetValue(package, out var component), $"The bill of materials does not list {package}.");
                Assert.Equal(versions[package], component.GetProperty("version").GetString());
                Assert.Equal($"pkg:nuget/{package}@{versions[package]}", component.GetProperty("purl").GetString());
                Assert.Contains(component.GetProperty("hashes").EnumerateArray(), hash => hash.GetProperty("alg").GetString() == "SHA-512");
                // A package that stays at build time (PrivateAssets="all") is listed as not shipped.
                Assert.Equal(shipped ? "required" : "excluded", component.GetProperty("scope").GetString());
            }

            Assert.All(projects, name => Assert.True(components.ContainsKey(name), $"The bill of materials does not list the project {name}."));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>Every package version of <c>Directory.Packages.props</c>, its <c>$(Property)</c> references resolved.</summary>
    private static Dictionary<string, string> CentralVersions()
    {
        var props = XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Packages.props"));
        var properties = props.Descendants("PropertyGroup").Elements().ToDictionary(e => e.Name.LocalName, e => e.Value);
        return props.Descendants("PackageVersion").ToDictionary(
            e => (string)e.Attribute("Include")!,
            e => PropertyReference().Replace((string)e.Attribute("Version")!, match => properties[match.Groups["name"].Value]),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// The packages a project references, itself and through its project references (whether each ships, that is, is
    /// not <c>PrivateAssets="all"</c> where the project itself references it), and the assembly names of those projects.
    /// </summary>
    private static (Dictionary<string, bool> Packages, List<string> Projects) References(string project)
    {
        var packages = new Dictionary<string, bool>(StringComparer.Ordinal);
        var projects = new List<string>();
        var pending = new Queue<(string Path, bool Root)>([(project, true)]);
        while (pending.TryDequeue(out var next))
        {
            var document = XDocument.Load(next.Path);
            foreach (var reference in document.Descendants("PackageReference"))
            {
                var name = (string)reference.Attribute("Include")!;
                var privateAssets = string.Equals((string?)reference.Attribute("PrivateAssets"), "all", StringComparison.OrdinalIgnoreCase);
                if (next.Root || !privateAssets)
                {
                    packages[name] = packages.GetValueOrDefault(name) || !privateAssets;
                }
            }

            foreach (var reference in document.Descendants("ProjectReference"))
            {
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next.Path)!, (string)reference.Attribute("Include")!));
                projects.Add(Path.GetFileNameWithoutExtension(path));
                pending.Enqueue((path, false));
            }
        }

        return (packages, projects);
    }

    [GeneratedRegex(@"\$\((?<name>\w+)\)")]
    private static partial Regex PropertyReference();
}
