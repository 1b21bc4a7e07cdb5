using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NutritionAspire.Hosting.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// What a run of the <c>kubernetes-manifests</c> step left: its log, the tree it wrote (empty if none), and the
/// resources of the model as the step saw them.
/// </summary>
public sealed record PublishOutcome(bool Succeeded, string Log, SortedDictionary<string, string> Tree, IReadOnlyList<IResource> Resources);

/// <summary>
/// Runs the <c>kubernetes-manifests</c> step in this process, as the documented command runs it: publish mode, the
/// step, an output path, and nothing Aspire remembered from earlier runs.
/// </summary>
public static class Publishing
{
    /// <summary>How long a publish may take before a test calls it stuck: it must finish or fail within seconds.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static string[] StepArguments(string output) =>
        ["--operation", "publish", "--step", KubernetesManifestsStep.StepName, "--output-path", output, "--Pipeline:ClearCache=true"];

    /// <summary>The AppHost's own model, from its entry point.</summary>
    public static async Task<PublishOutcome> AppHostAsync(string output, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NutritionAspire_AppHost>(
            [.. StepArguments(output), .. arguments], cancellationToken);
        var log = Capture(builder.Services);
        return await RunAsync(await builder.BuildAsync(cancellationToken), log, output, cancellationToken);
    }

    /// <summary>
    /// A builder for a model of the test's own, made as a plain AppHost makes it (so an interactive prompt is available,
    /// as it is to <c>dotnet run</c>, and a step that waited for input would hang here too).
    /// </summary>
    public static IDistributedApplicationBuilder Builder(string output, params string[] arguments) =>
        DistributedApplication.CreateBuilder([.. StepArguments(output), .. arguments]);

    /// <summary>Runs the step for a model of the test's own.</summary>
    public static Task<PublishOutcome> RunAsync(IDistributedApplicationBuilder builder, string output, CancellationToken cancellationToken)
    {
        var log = Capture(builder.Services);
        return RunAsync(builder.Build(), log, output, cancellationToken);
    }

    private static async Task<PublishOutcome> RunAsync(DistributedApplication app, ConcurrentQueue<string> log, string output, CancellationToken cancellationToken)
    {
        // A failed step sets the process's exit code, for the documented command; this process is the test host.
        var exitCode = Environment.ExitCode;
        IReadOnlyList<IResource> resources;
        await using (app)
        {
            resources = [.. app.Services.GetRequiredService<DistributedApplicationModel>().Resources];
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Deadline);
            try
            {
                await app.RunAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"The publish did not finish within {Deadline}: it waits for something.\n{string.Join('\n', log)}");
            }
            finally
            {
                Environment.ExitCode = exitCode;
            }
        }

        var text = string.Join('\n', log);
        var failed = text.Contains($"Step '{KubernetesManifestsStep.StepName}' failed", StringComparison.Ordinal);
        return new PublishOutcome(!failed, text, Directory.Exists(output) ? Repository.ReadTree(output) : new(StringComparer.Ordinal), resources);
    }

    private static ConcurrentQueue<string> Capture(IServiceCollection services)
    {
        var log = new ConcurrentQueue<string>();
        services.AddLogging(logging => logging.AddProvider(new CollectingLoggerProvider(log)));
        return log;
    }

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CollectingLogger(log);

        public void Dispose()
        {
        }
    }

    private sealed class CollectingLogger(ConcurrentQueue<string> log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
    }
}

public sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("nutrition-manifests-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
