using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// Ready once the host has started and warmed up (<see cref="WarmUp"/>), and until it begins to stop, so a stopping
/// pod leaves the load balancer before its listeners close.
/// </summary>
internal sealed class LifetimeHealthCheck(IHostApplicationLifetime lifetime, WarmUp warmUp) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("The application is stopping.")
            : !lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Unhealthy("The application has not started yet.")
            : warmUp.IsDone ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The application is warming up."));
}
