using Microsoft.Extensions.Configuration;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.Services.Tests;

/// <summary>Contract §5: where a dependency's address comes from, and the forms it may take.</summary>
public sealed class DependencyAddressTests
{
    [Theory]
    [InlineData("bmr-grpc:30000", "http://bmr-grpc:30000/")]
    [InlineData("10.0.0.7:30000", "http://10.0.0.7:30000/")]
    [InlineData("[::1]:30000", "http://[::1]:30000/")]
    [InlineData(" localhost:5001 ", "http://localhost:5001/")]
    [InlineData("http://bmr-grpc:30000", "http://bmr-grpc:30000/")]
    [InlineData("https://bmr.example.org", "https://bmr.example.org/")]
    [InlineData("http://localhost:41234/", "http://localhost:41234/")]
    public void AcceptsHostAndPortOrAnHttpUrl(string value, string expected) =>
        Assert.Equal(new Uri(expected), DependencyAddress.Parse(value, "BMR_SERVICE_ENDPOINT"));

    [Theory]
    [InlineData("bmr-grpc")]
    [InlineData("bmr-grpc:")]
    [InlineData("bmr-grpc:0")]
    [InlineData("bmr-grpc:65536")]
    [InlineData("bmr grpc:30000")]
    [InlineData("ftp://bmr-grpc:30000")]
    [InlineData("http://bmr-grpc:30000/api")]
    [InlineData("http://user:pw@bmr-grpc:30000")]
    [InlineData("")]
    public void RejectsAnythingElseNamingTheVariable(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => DependencyAddress.Parse(value, "BMR_SERVICE_ENDPOINT"));

        Assert.StartsWith("BMR_SERVICE_ENDPOINT must be host:port", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheExplicitVariableWinsOverServiceDiscovery()
    {
        var configuration = Configuration(("BMR_SERVICE_ENDPOINT", "bmr:30000"), ("services:bmr-grpc:grpc:0", "http://localhost:4000"));

        Assert.Equal(new Uri("http://bmr:30000"), DependencyAddress.Resolve(configuration, "bmr-grpc", "BMR_SERVICE_ENDPOINT"));
    }

    [Theory]
    [InlineData("http://localhost:4000", "http://localhost:4000/")]
    [InlineData("bmr-grpc:30000", "http://bmr-grpc:30000/")]
    public void ServiceDiscoveryIsUsedWhenTheVariableIsUnset(string discovered, string expected)
    {
        var configuration = Configuration(("services:bmr-grpc:grpc:0", discovered));

        Assert.Equal(new Uri(expected), DependencyAddress.Resolve(configuration, "bmr-grpc", "BMR_SERVICE_ENDPOINT"));
    }

    [Fact]
    public void AMalformedDiscoveredAddressNamesTheDiscoveryVariable()
    {
        var configuration = Configuration(("services:bmr-grpc:grpc:0", "nonsense"));

        var error = Assert.Throws<InvalidOperationException>(() =>
            DependencyAddress.Resolve(configuration, "bmr-grpc", "BMR_SERVICE_ENDPOINT"));

        Assert.StartsWith("services__bmr-grpc__grpc__0 must be", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
