using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>
/// The <c>kubernetes-manifests</c> pipeline step: writes the kustomize base of <see cref="KubernetesManifestGenerator"/>
/// to the pipeline's output path. Run it with <c>dotnet aspire do kubernetes-manifests --output-path manifests/kubernetes</c>.
/// </summary>
public static partial class KubernetesManifestsStep
{
    public const string StepName = "kubernetes-manifests";

    public static IDistributedApplicationBuilder AddKubernetesManifests(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        var inputs = KubernetesDeploymentInputs.Add(builder);
        builder.Pipeline.AddStep(StepName, async context =>
        {
            try
            {
                var options = await inputs.ResolveAsync(builder.Configuration, context.CancellationToken);
                var files = KubernetesManifestGenerator.Generate(
                    ServiceModelReader.Read(context.Model.Resources), options, ReadDashboards(builder.AppHostDirectory),
                    PrometheusRuleFiles.Read(builder.AppHostDirectory));
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
        }, dependsOn: WellKnownPipelineSteps.ProcessParameters, requiredBy: WellKnownPipelineSteps.Publish);
        return builder;
    }

    /// <summary>The Grafana dashboards of <see cref="ObservabilityExtensions.GrafanaDashboardsFolder"/>, the ones a local run shows too.</summary>
    public static IReadOnlyDictionary<string, string> ReadDashboards(string appHostDirectory) =>
        Directory.EnumerateFiles(Path.Combine(appHostDirectory, ObservabilityExtensions.GrafanaDashboardsFolder), "*.json")
            .ToDictionary(path => Path.GetFileName(path), path => File.ReadAllText(path).ReplaceLineEndings("\n"), StringComparer.Ordinal);

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
