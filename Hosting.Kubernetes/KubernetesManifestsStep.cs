using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// The <c>kubernetes-manifests</c> pipeline step of a <see cref="KubernetesEnvironmentResource"/>: reads the model
/// (<see cref="ModelReader"/>), generates the kustomize base (<see cref="KubernetesManifestGenerator"/>) and writes it to
/// the pipeline's output path: <c>dotnet run --project AppHost -- --operation publish --step kubernetes-manifests
/// --output-path DIR</c>, or <c>aspire do kubernetes-manifests --output-path DIR</c>.
/// </summary>
public static partial class KubernetesManifestsStep
{
    public const string StepName = "kubernetes-manifests";

    internal static async Task RunAsync(KubernetesEnvironmentResource environment, string appHostDirectory, PipelineStepContext context)
    {
        try
        {
            var configuration = context.Services.GetRequiredService<IConfiguration>();
            var settings = KubernetesSettings.Resolve(environment, configuration);
            var workloads = await ModelReader.ReadAsync(environment, context.Model.Resources, context.ExecutionContext, configuration, context.CancellationToken);
            var files = KubernetesManifestGenerator.Generate(workloads, settings, environment, appHostDirectory);
            var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
            await WriteTreeAsync(output, files, context.CancellationToken);
            LogWritten(context.Logger, files.Count, output);
        }
        catch
        {
            // The host stops cleanly after a failed step; the exit code is what tells a script it failed.
            Environment.ExitCode = 1;
            throw;
        }
    }

    /// <summary>
    /// Replaces <paramref name="output"/> with exactly <paramref name="files"/>: they are written beside it first, so a
    /// failure leaves the previous tree as it was.
    /// </summary>
    public static async Task WriteTreeAsync(string output, IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(output);
        var staging = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            foreach (var (relativePath, content) in files)
            {
                var path = Path.Combine(staging, relativePath);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, content, cancellationToken);
            }

            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Directory.Move(staging, target);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Count} Kubernetes manifest files to {Output}.")]
    private static partial void LogWritten(ILogger logger, int count, string output);
}
