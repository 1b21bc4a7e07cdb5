using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// Opens the channel to every dependency when the service starts, so the first request after a cold start does not
/// pay for (or time out on) connecting. Start-up does not wait for it: a dependency that is down must not keep the
/// service from starting, and its calls fail fast until it is up. The channel comes from the client factory, so the
/// connection is asked for with a health check that waits for it (wait-for-ready), which the retry and circuit
/// breaking leave alone; any answer, even UNIMPLEMENTED from a service without health checks, means connected.
/// </summary>
internal sealed partial class GrpcDependencyConnector(
    IEnumerable<GrpcDependency> dependencies, IServiceProvider services, IOptions<GrpcDependencyOptions> options, ILogger<GrpcDependencyConnector> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(dependencies.Select(dependency => ConnectAsync(dependency, stoppingToken)));

    private async Task ConnectAsync(GrpcDependency dependency, CancellationToken stoppingToken)
    {
        // Long enough for a dependency that starts at the same time; the channel keeps retrying on its own after that.
        var callOptions = new CallOptions(deadline: DateTime.UtcNow + options.Value.CallTimeout * 10, cancellationToken: stoppingToken).WithWaitForReady();
        try
        {
            await new Health.HealthClient(dependency.CallInvoker(services)).CheckAsync(new HealthCheckRequest(), callOptions);
            LogConnected(dependency.Name, dependency.Address);
        }
        catch (RpcException exception) when (stoppingToken.IsCancellationRequested || exception.StatusCode == StatusCode.Cancelled)
        {
            // The service is stopping.
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Unavailable)
        {
            LogNotConnected(dependency.Name, dependency.Address);
        }
        catch (RpcException)
        {
            LogConnected(dependency.Name, dependency.Address);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Dependency} at {Target}.")]
    private partial void LogConnected(string dependency, Uri target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Dependency} at {Target} did not accept a connection at start-up; its calls fail until it does.")]
    private partial void LogNotConnected(string dependency, Uri target);
}
