using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NutritionAspire.HealthApi.Calculator;

namespace NutritionAspire.Services.Tests;

/// <summary>health-api in memory, its three dependencies at the given addresses (by default all on <paramref name="backends"/>).</summary>
public sealed class HealthApiFactory(FakeBackends backends, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<NutritionCalculator>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("BMR_SERVICE_ENDPOINT", backends.Address);
        builder.UseSetting("IMC_SERVICE_ENDPOINT", backends.Address);
        builder.UseSetting("RECOMMENDATIONS_SERVICE_ENDPOINT", backends.Address);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}
