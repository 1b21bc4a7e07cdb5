using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// Opens the channel to every dependency when the service starts, so the first request after a cold start does not
/// pay for (or time out on) connecting. Start-up does not wait for it: a dependency that is down must not keep the
/// service from starting, and its calls fail fast until it is up.
/// </summary>
internal sealed partial class GrpcDependencyConnector(
    IEnumerable<GrpcDependency> dependencies, IOptions<GrpcDependencyOptions> options, ILogger<GrpcDependencyConnector> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(dependencies.Select(dependency => ConnectAsync(dependency, stoppingToken)));

    private async Task ConnectAsync(GrpcDependency dependency, CancellationToken stoppingToken)
    {
        // Long enough for a dependency that starts at the same time; the channel keeps retrying on its own after that.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.Value.CallTimeout * 10);
        try
        {
            await dependency.Channel.ConnectAsync(timeout.Token);
            LogConnected(dependency.Name, dependency.Channel.Target);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            LogNotConnected(dependency.Name, dependency.Channel.Target);
        }
        catch (OperationCanceledException)
        {
            // The service is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Dependency} at {Target}.")]
    private partial void LogConnected(string dependency, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Dependency} at {Target} did not accept a connection at start-up; its calls fail until it does.")]
    private partial void LogNotConnected(string dependency, string target);
}
