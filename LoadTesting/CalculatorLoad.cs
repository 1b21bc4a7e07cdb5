namespace NutritionAspire.LoadTesting;

/// <summary>The request every load test of health-api sends: the contract's worked example.</summary>
public static class CalculatorLoad
{
    public const string Path = "/calculator";

    public const string Body = """{"age":26,"weight":90.0,"height":1.77,"gender":"M","activity_intensity":"very_active"}""";
}
