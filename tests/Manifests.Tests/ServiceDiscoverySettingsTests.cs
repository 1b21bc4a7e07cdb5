using Microsoft.Extensions.Configuration;

namespace NutritionAspire.Manifests.Tests;

/// <summary>The variable the generated ConfigMaps set is the configuration key the callers read.</summary>
public sealed class ServiceDiscoverySettingsTests
{
    [Fact]
    public void TheVariableReachesTheCallerAsTheKey()
    {
        // A resource of its own, so no other test of this process sees the variable.
        const string resource = "discovery-probe-grpc";
        var variable = ServiceDiscoverySettings.GrpcVariable(resource);
        Environment.SetEnvironmentVariable(variable, "http://discovery-probe-grpc:30000");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();

            Assert.Equal("services__discovery-probe-grpc__grpc__0", variable);
            Assert.Equal("http://discovery-probe-grpc:30000", configuration[ServiceDiscoverySettings.GrpcKey(resource)]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
