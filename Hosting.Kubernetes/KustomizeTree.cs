using k8s;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// The files of a kustomize base: a folder per concern, each with the YAML of its objects and a
/// <c>kustomization.yaml</c> listing them, and a root <c>kustomization.yaml</c> listing the folders.
/// </summary>
public sealed class KustomizeTree
{
    private readonly SortedDictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly List<string> _resources = [];

    /// <summary>Adds one object at the root, such as the Namespace.</summary>
    public void Add(string file, object value)
    {
        _files[file] = Yaml(value);
        _resources.Add(file);
    }

    /// <summary>Adds a folder with one file per object and the kustomization that lists them.</summary>
    public void AddFolder(string folder, IEnumerable<(string File, object Object)> objects)
    {
        var resources = new List<string>();
        foreach (var (file, value) in objects)
        {
            // Two objects of one name would silently leave one out.
            if (!_files.TryAdd($"{folder}/{file}", Yaml(value)))
            {
                throw new InvalidOperationException($"Two objects would be written to {folder}/{file}.");
            }

            resources.Add(file);
        }

        _files[$"{folder}/kustomization.yaml"] = Yaml(new Kustomization { Resources = resources });
        _resources.Add(folder);
    }

    /// <summary>Every file by its relative path, with the root kustomization that puts everything in <paramref name="ns"/>.</summary>
    public IReadOnlyDictionary<string, string> Build(string ns)
    {
        var files = new SortedDictionary<string, string>(_files, StringComparer.Ordinal)
        {
            ["kustomization.yaml"] = Yaml(new Kustomization { Namespace = ns, Resources = [.. _resources] }),
        };
        return files;
    }

    /// <summary>The YAML of one object, with keys in a fixed order and a single trailing newline.</summary>
    public static string Yaml(object value) => KubernetesYaml.Serialize(value).ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
}
