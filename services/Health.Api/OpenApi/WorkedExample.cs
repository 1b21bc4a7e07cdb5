namespace NutritionAspire.HealthApi.OpenApi;

/// <summary>The worked example of docs/contract.md §4, shown in the document as the request and response example.</summary>
internal static class WorkedExample
{
    public const string Request = """{"age":26,"weight":90.0,"height":1.77,"gender":"M","activity_intensity":"very_active"}""";

    public const string Response =
        """{"id":"0b6ec5f4-5e0b-4d0c-9a51-3c3c1f0d2a77","status":200,"imc":{"result":28.72737719046251,"class":"overweight"}""" +
        ""","basal":{"bmr":{"value":2011.7,"unit":"kcal"},"necessity":{"value":3470.1825000000003,"unit":"kcal"}}""" +
        ""","health_info":{"age":26,"weight":90,"height":1.77,"gender":"M","activity_intensity":"very_active"}""" +
        ""","recomendations":{"protein":{"value":180,"unit":"g"},"water":{"value":3150,"unit":"ml"}""" +
        ""","calories":{"maintain_weight":{"value":3470.1825000000003,"unit":"kcal"}""" +
        ""","loss_weight":{"value":3123.1642500000003,"unit":"kcal"},"gain_weight":{"value":4511.237250000001,"unit":"kcal"}}}}""";
}
