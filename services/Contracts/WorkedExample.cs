namespace NutritionAspire.Contracts;

/// <summary>
/// The worked example of docs/contract.md §4: one <c>POST /calculator</c>, what each service is asked and answers on
/// the way, and the whole answer. The OpenAPI document shows it, the load tests send it, and the tests expect it.
/// </summary>
public static class WorkedExample
{
    /// <summary>The route it is posted to.</summary>
    public const string Path = "/calculator";

    public const int Age = 26;

    public const double Weight = 90.0;

    public const double Height = 1.77;

    public const string Gender = "M";

    public const string Activity = "very_active";

    public const double Imc = 28.72737719046251;

    public const string ImcClass = "overweight";

    public const double Bmr = 2011.7;

    /// <summary>Also what recommendations-grpc is sent as <c>calories</c> and calories-grpc as <c>necessity</c>.</summary>
    public const double Necessity = 3470.1825000000003;

    public const long ProteinGrams = 180;

    public const double WaterMillilitres = 3150;

    public const double CaloriesToMaintain = Necessity;

    public const double CaloriesToLose = 3123.1642500000003;

    public const double CaloriesToGain = 4511.237250000001;

    /// <summary>The body, as a client would type it.</summary>
    public const string Request = """{"age":26,"weight":90.0,"height":1.77,"gender":"M","activity_intensity":"very_active"}""";

    /// <summary>The whole answer, every key in order and every number as health-api prints it; the id is an example.</summary>
    public const string Response =
        """{"id":"0b6ec5f4-5e0b-4d0c-9a51-3c3c1f0d2a77","status":200,"imc":{"result":28.72737719046251,"class":"overweight"}""" +
        ""","basal":{"bmr":{"value":2011.7,"unit":"kcal"},"necessity":{"value":3470.1825000000003,"unit":"kcal"}}""" +
        ""","health_info":{"age":26,"weight":90,"height":1.77,"gender":"M","activity_intensity":"very_active"}""" +
        ""","recomendations":{"protein":{"value":180,"unit":"g"},"water":{"value":3150,"unit":"ml"}""" +
        ""","calories":{"maintain_weight":{"value":3470.1825000000003,"unit":"kcal"}""" +
        ""","loss_weight":{"value":3123.1642500000003,"unit":"kcal"},"gain_weight":{"value":4511.237250000001,"unit":"kcal"}}}}""";

    /// <summary>What health-api asks bmr-grpc; the services also send their request to themselves to warm up.</summary>
    public static Bmr.Message BmrRequest => new() { Gender = Gender, Weight = Weight, Height = Height, Age = Age, Activity = Activity };

    public static Imc.Message ImcRequest => new() { Weight = Weight, Height = Height };

    public static Recommendations.Message RecommendationsRequest => new() { Weight = Weight, Height = Height, Calories = Necessity };

    public static Water.Message WaterRequest => new() { Weight = Weight, Height = Height };

    public static Proteins.Message ProteinsRequest => new() { Weight = Weight };

    public static Calories.Message CaloriesRequest => new() { Necessity = Necessity };
}
