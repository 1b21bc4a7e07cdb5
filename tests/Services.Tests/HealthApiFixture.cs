namespace NutritionAspire.Services.Tests;

/// <summary>One health-api over well-behaved fake dependencies, shared by the tests that do not change them.</summary>
public sealed class HealthApiFixture : IAsyncLifetime
{
    public FakeBackends Backends { get; private set; } = null!;

    public HealthApiFactory Factory { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Backends = await FakeBackends.StartAsync(TestContext.Current.CancellationToken);
        Factory = new HealthApiFactory(Backends);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Backends.DisposeAsync();
    }
}
