using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NutritionAspire.HealthApi.Calculator;
using NutritionAspire.ServiceDefaults;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// health-api in memory, its three dependencies at the given addresses (by default all on <paramref name="backends"/>).
/// Its log records are collected in <see cref="Logs"/>.
/// </summary>
public sealed class HealthApiFactory(FakeBackends backends, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<NutritionCalculator>
{
    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary>Serves on a loopback port through Kestrel, for tests that need real HTTP bytes; returns its address.</summary>
    /// <param name="configure">Changes Kestrel's options, such as its limits.</param>
    public Uri StartOnKestrel(Action<KestrelServerOptions>? configure = null)
    {
        UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            configure?.Invoke(kestrel);
        });
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    /// <summary>
    /// Waits until health-api's warm-up request (a worked example through its dependencies) is done, so that a test
    /// that then makes a dependency hang or fail sees only its own calls.
    /// </summary>
    public Task WaitUntilWarmAsync(CancellationToken cancellationToken) =>
        Eventually.ReturnsAsync(_ => Task.FromResult(Services.GetRequiredService<WarmUp>().IsDone ? "warm" : null),
            TimeSpan.FromSeconds(30), () => "health-api is still warming up", cancellationToken, TimeSpan.FromMilliseconds(20));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("BMR_SERVICE_ENDPOINT", backends.Address);
        builder.UseSetting("IMC_SERVICE_ENDPOINT", backends.Address);
        builder.UseSetting("RECOMMENDATIONS_SERVICE_ENDPOINT", backends.Address);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddFakeLogging(options => options.CollectRecordsForDisabledLogLevels = false));
    }
}
