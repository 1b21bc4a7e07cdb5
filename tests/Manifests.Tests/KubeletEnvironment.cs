using System.Text;
using k8s.Models;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// The environment a container starts with, worked out as the kubelet does: the ConfigMaps of <c>envFrom</c> first,
/// then each <c>env</c> entry in order, a <c>secretKeyRef</c> read from the given Secrets and a value with
/// <c>$(NAME)</c> expanded from the variables defined before it (<c>$$</c> is a literal <c>$</c>; an unknown name is
/// left as written).
/// </summary>
public static class KubeletEnvironment
{
    public static IReadOnlyDictionary<string, string> Of(
        V1Container container,
        IReadOnlyDictionary<string, IDictionary<string, string>> configMaps,
        IReadOnlyDictionary<(string Secret, string Key), string> secrets)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            foreach (var (name, value) in configMaps[source.ConfigMapRef.Name])
            {
                variables[name] = value;
            }
        }

        foreach (var entry in container.Env ?? [])
        {
            if (entry.ValueFrom?.SecretKeyRef is { } reference)
            {
                // The kubelet refuses to start a container whose Secret or key is missing.
                variables[entry.Name] = secrets.TryGetValue((reference.Name, reference.Key), out var secret)
                    ? secret
                    : throw new InvalidOperationException($"{entry.Name}: no key '{reference.Key}' in Secret '{reference.Name}'.");
            }
            else
            {
                variables[entry.Name] = Expand(entry.Value ?? "", variables);
            }
        }

        return variables;
    }

    private static string Expand(string value, Dictionary<string, string> defined)
    {
        var expanded = new StringBuilder();
        for (var index = 0; index < value.Length; index++)
        {
            if (value[index] != '$' || index + 1 == value.Length)
            {
                expanded.Append(value[index]);
            }
            else if (value[index + 1] == '$')
            {
                expanded.Append('$');
                index++;
            }
            else if (value[index + 1] == '(' && value.IndexOf(')', index + 2) is var end and > 0)
            {
                var name = value[(index + 2)..end];
                expanded.Append(defined.TryGetValue(name, out var known) ? known : value[index..(end + 1)]);
                index = end;
            }
            else
            {
                expanded.Append(value[index]);
            }
        }

        return expanded.ToString();
    }
}
