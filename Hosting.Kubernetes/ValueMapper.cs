using System.Globalization;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// Turns the values of one resource's environment and arguments into <see cref="ValueTemplate"/>s for the cluster,
/// and records every endpoint of another resource they address. A parameter is read by its name and default only:
/// a secret's value is never asked for, so publishing never waits for one.
/// </summary>
internal sealed class ValueMapper(
    IResource resource, IReadOnlyDictionary<string, IReadOnlyList<PortSpec>> portsByWorkload, IConfiguration configuration)
{
    private readonly HashSet<EndpointUse> _uses = [];

    /// <summary>The endpoints of other resources the values mapped so far address.</summary>
    public IReadOnlyCollection<EndpointUse> Uses => _uses;

    public async Task<ValueTemplate> MapAsync(object? value, string setting) => new(Merge(await PartsAsync(value, setting, format: null)));

    private async Task<List<ValuePart>> PartsAsync(object? value, string setting, string? format)
    {
        switch (value)
        {
            case null:
                return [new TextPart("")];
            case string text:
                return [Formatted(text, format, setting)];
            case bool flag:
                return [Formatted(flag ? "true" : "false", format, setting)];
            case IFormattable formattable:
                return [Formatted(formattable.ToString(null, CultureInfo.InvariantCulture), format, setting)];
            case ParameterResource { Secret: true } secret:
                return format switch
                {
                    null => [new SecretPart(secret.Name)],
                    "uri" => [new SecretPart(secret.Name, SecretPart.UriKey)],
                    _ => throw Refuse(setting, $"secret parameter '{secret.Name}' is formatted as '{format}', which the pod cannot apply to a Secret's value"),
                };
            case ParameterResource parameter:
                return [Formatted(await PlainValueAsync(parameter, setting), format, setting)];
            case EndpointReference endpoint:
                return [Formatted(Endpoint(endpoint, EndpointProperty.Url, setting), format, setting)];
            case EndpointReferenceExpression expression:
                return [Formatted(Endpoint(expression.Endpoint, expression.Property, setting), format, setting)];
            case ConnectionStringReference reference:
                return await PartsAsync(reference.Resource.ConnectionStringExpression, setting, format);
            case IResourceWithConnectionString withConnectionString:
                return await PartsAsync(withConnectionString.ConnectionStringExpression, setting, format);
            case ReferenceExpression expression:
                return await ExpressionAsync(expression, setting, format);
            case IResourceBuilder<IResource> builder:
                // WithArgs("--password", password) hands over the builder; its resource is the value.
                return await PartsAsync(builder.Resource, setting, format);
            case IManifestExpressionProvider provider:
                throw Refuse(setting, $"its value is a {provider.GetType().Name} ({provider.ValueExpression}), which has no Kubernetes mapping");
            default:
                throw Refuse(setting, $"its value is a {value.GetType().Name}, which has no Kubernetes mapping");
        }
    }

    private async Task<List<ValuePart>> ExpressionAsync(ReferenceExpression expression, string setting, string? format)
    {
        if (expression.IsConditional)
        {
            // Decided here, as it would be at run time: the condition is a value of the cluster (an endpoint's TLS, a
            // plain parameter); one that holds a secret could only be decided by reading it, which publishing never does.
            var condition = Merge(await PartsAsync(expression.Condition, setting, format: null));
            if (condition is not [TextPart decided])
            {
                throw Refuse(setting, $"its value depends on a secret ({expression.ValueExpression}), which publishing never reads");
            }

            var branch = string.Equals(decided.Text, expression.MatchValue, StringComparison.OrdinalIgnoreCase) ? expression.WhenTrue : expression.WhenFalse;
            return await PartsAsync(branch, setting, format);
        }

        if (format is not null)
        {
            throw Refuse(setting, $"an expression formatted as '{format}'");
        }

        // The format holds {n} for the n-th value provider, and {{ and }} for literal braces.
        var parts = new List<ValuePart>();
        var text = new StringBuilder();
        var template = expression.Format;
        for (var index = 0; index < template.Length; index++)
        {
            var character = template[index];
            if (character is '{' or '}' && index + 1 < template.Length && template[index + 1] == character)
            {
                text.Append(character);
                index++;
            }
            else if (character == '{')
            {
                var end = template.IndexOf('}', index);
                var provider = int.Parse(template.AsSpan(index + 1, end - index - 1), CultureInfo.InvariantCulture);
                parts.Add(new TextPart(text.ToString()));
                text.Clear();
                parts.AddRange(await PartsAsync(expression.ValueProviders[provider], setting, expression.StringFormats[provider]));
                index = end;
            }
            else
            {
                text.Append(character);
            }
        }

        parts.Add(new TextPart(text.ToString()));
        return parts;
    }

    /// <summary>
    /// A plain parameter's value: configured, else its default, else the value the AppHost gives it in code
    /// (<c>AddParameter(name, value)</c>), which asks nobody. One without a value stops the step, naming it.
    /// </summary>
    private async Task<string> PlainValueAsync(ParameterResource parameter, string setting)
    {
        if ((configuration[ParameterValues.ConfigurationKey(parameter)] ?? parameter.Default?.GetDefaultValue()) is { } value)
        {
            return value;
        }

        var missing = $"parameter '{parameter.Name}' has no value: give it with --Parameters:{parameter.Name}=… or a default in the AppHost";
        // Nothing prompts here (the step does not run after process-parameters), so the value is there at once or not at all.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            return await parameter.GetValueAsync(timeout.Token) ?? "";
        }
        catch (Exception error) when (error is DistributedApplicationException or OperationCanceledException)
        {
            throw Refuse(setting, missing);
        }
    }

    /// <summary>An endpoint as the cluster reaches it: the Service named after its resource, on the Service's port.</summary>
    private string Endpoint(EndpointReference endpoint, EndpointProperty property, string setting)
    {
        var owner = endpoint.Resource.Name;
        if (!portsByWorkload.TryGetValue(owner, out var ports))
        {
            throw Refuse(setting, $"it addresses endpoint '{endpoint.EndpointName}' of '{owner}', which is not published to this environment");
        }

        var port = ports.SingleOrDefault(p => p.Name == endpoint.EndpointName)
            ?? throw Refuse(setting, $"it addresses endpoint '{endpoint.EndpointName}' of '{owner}', which has no such endpoint");
        if (owner != resource.Name)
        {
            _uses.Add(new EndpointUse(owner, port.Name));
        }

        var servicePort = port.ServicePort.ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            EndpointProperty.Url => $"{port.Scheme}://{owner}:{servicePort}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => owner,
            EndpointProperty.Port => servicePort,
            EndpointProperty.HostAndPort => $"{owner}:{servicePort}",
            EndpointProperty.TargetPort => port.TargetPort.ToString(CultureInfo.InvariantCulture),
            EndpointProperty.Scheme => port.Scheme,
            // No endpoint serves TLS in the cluster (an https endpoint is refused; the ingress terminates TLS).
            EndpointProperty.TlsEnabled => "False",
            _ => throw Refuse(setting, $"it asks for the {property} of endpoint '{endpoint.EndpointName}' of '{owner}'"),
        };
    }

    private TextPart Formatted(string text, string? format, string setting) => format switch
    {
        null => new TextPart(text),
        "uri" => new TextPart(Uri.EscapeDataString(text)),
        _ => throw Refuse(setting, $"the value format '{format}' is not known"),
    };

    private InvalidOperationException Refuse(string setting, string why) => Unmappable.Setting(resource, setting, why);

    /// <summary>Adjacent text parts joined, empty ones dropped (a value of only empty text keeps one).</summary>
    private static List<ValuePart> Merge(List<ValuePart> parts)
    {
        var merged = new List<ValuePart>();
        foreach (var part in parts)
        {
            if (part is TextPart { Text.Length: 0 })
            {
                continue;
            }

            if (part is TextPart text && merged.Count > 0 && merged[^1] is TextPart previous)
            {
                merged[^1] = new TextPart(previous.Text + text.Text);
            }
            else
            {
                merged.Add(part);
            }
        }

        return merged.Count == 0 ? [new TextPart("")] : merged;
    }
}
