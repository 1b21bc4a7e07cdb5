namespace NutritionAspire.Integration.Tests;

/// <summary>The test classes that share one running AppHost; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SharedNutritionApp : ICollectionFixture<NutritionAppFixture>
{
    public const string Name = "nutrition-app";
}
