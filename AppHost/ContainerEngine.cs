using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace NutritionAspire.AppHost;

/// <summary>
/// Whether the container engine a local run would use answers, asked the way the orchestrator itself asks before it
/// starts containers: <c>dcp info</c>, which reports the engine it picked (Docker or Podman, or the one
/// <c>ASPIRE_CONTAINER_RUNTIME</c> names) and whether it is running.
/// </summary>
internal sealed record ContainerEngine(string Runtime, bool IsRunning, string? Problem)
{
    /// <summary>How long <c>dcp info</c> may take; an engine that is still starting can take this long to answer.</summary>
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(10);

    public static ContainerEngine Probe(IConfiguration configuration)
    {
        var dcp = configuration["DcpPublisher:CliPath"] is { Length: > 0 } configured ? configured : BundledDcpPath();
        if (dcp is null || !File.Exists(dcp))
        {
            // Without the orchestrator nothing runs at all, and Aspire says so itself when it starts.
            return new("unknown", IsRunning: true, Problem: null);
        }

        var start = new ProcessStartInfo(dcp) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("info");
        if (RequestedRuntime(configuration) is { } runtime)
        {
            start.ArgumentList.Add("--container-runtime");
            start.ArgumentList.Add(runtime);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_probeTimeout))
        {
            process.Kill(entireProcessTree: true);
            return new(RequestedRuntime(configuration) ?? "docker", IsRunning: false,
                $"the container engine did not answer within {s_probeTimeout.TotalSeconds:0} s");
        }

        return Parse(output.GetAwaiter().GetResult());
    }

    /// <summary>Reads the <c>containers</c> member of <c>dcp info</c>'s JSON.</summary>
    public static ContainerEngine Parse(string dcpInfo)
    {
        try
        {
            using var document = JsonDocument.Parse(dcpInfo);
            var containers = document.RootElement.GetProperty("containers");
            var runtime = containers.TryGetProperty("runtime", out var name) ? name.GetString() ?? "docker" : "docker";
            var installed = containers.TryGetProperty("installed", out var isInstalled) && isInstalled.GetBoolean();
            var running = containers.TryGetProperty("running", out var isRunning) && isRunning.GetBoolean();
            var error = containers.TryGetProperty("error", out var message) ? FirstMeaningfulLine(message.GetString()) : null;
            return (installed, running) switch
            {
                (_, true) => new(runtime, IsRunning: true, Problem: null),
                (false, _) => new(runtime, IsRunning: false, $"{runtime} is not installed"),
                _ => new(runtime, IsRunning: false, error is null ? $"{runtime} is not running" : $"{runtime} is not running ({error})"),
            };
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new("unknown", IsRunning: false, "the orchestrator's engine check gave no usable answer");
        }
    }

    private static string? RequestedRuntime(IConfiguration configuration) =>
        new[] { configuration["DcpPublisher:ContainerRuntime"], configuration["ASPIRE_CONTAINER_RUNTIME"], configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"] }
            .FirstOrDefault(value => !string.IsNullOrEmpty(value));

    /// <summary>The orchestrator the Aspire SDK restored for this AppHost, as recorded in its assembly at build time.</summary>
    private static string? BundledDcpPath() =>
        typeof(ContainerEngine).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == "dcpclipath")?.Value;

    /// <summary>The engine's own explanation, such as "Cannot connect to the Docker daemon …", without the wrapping lines.</summary>
    private static string? FirstMeaningfulLine(string? error) =>
        error?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(line => line.Length > 0 && line != "error");
}
