using System.Text.RegularExpressions;
using NutritionAspire.Hosting.Kubernetes;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// The <c>path</c> of the L7 rules, matched as Cilium matches it: a whole-string RE2 regex against the request's
/// <c>:path</c>, query string included (Cilium hands the rule to Envoy as a safe-regex match on the <c>:path</c> header).
/// The regexes the publisher writes use only what RE2 and .NET read alike (escapes, groups, <c>?</c>, <c>.*</c>).
/// </summary>
public sealed class CiliumPathTests
{
    public static TheoryData<HttpRoute, string, bool> Requests => new()
    {
        { HttpRoute.Post("/calculator"), "/calculator", true },
        { HttpRoute.Post("/calculator"), "/calculator?x=1", true },
        { HttpRoute.Post("/calculator"), "/calculator?", true },
        { HttpRoute.Post("/calculator"), "/calculatorx", false },
        { HttpRoute.Post("/calculator"), "/calculator/x", false },
        { HttpRoute.Post("/calculator"), "/x/calculator", false },
        { HttpRoute.Get("/version"), "/version?format=json", true },
        { HttpRoute.Get("/v1.0/items"), "/v1.0/items", true },
        { HttpRoute.Get("/v1.0/items"), "/v1x0/items", false },
        { HttpRoute.Get("/a+b(c)"), "/a+b(c)", true },
        { HttpRoute.Get("/a+b(c)"), "/aab", false },
        { HttpRoute.GetUnder("/openapi/"), "/openapi/v1.json", true },
        { HttpRoute.GetUnder("/openapi/"), "/openapi/v1.json?download=1", true },
        { HttpRoute.GetUnder("/openapi/"), "/openapi", false },
        { HttpRoute.GetUnder("/openapi/"), "/openapix/v1.json", false },
        { HttpRoute.GetUnder("/scalar"), "/scalar", true },
        { HttpRoute.GetUnder("/scalar"), "/scalar/v1", true },
        { HttpRoute.GetUnder("/scalar"), "/scalar?theme=dark", true },
        { HttpRoute.GetUnder("/scalar"), "/metrics", false },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void ARouteAdmitsItsPathWithAnyQueryStringAndNothingElse(HttpRoute route, string requestPath, bool admitted) =>
        Assert.Equal(admitted, FullMatch(route.CiliumPath, requestPath));

    [Theory]
    [InlineData("/bmr.BMRService/SayHello", true)]
    [InlineData("/bmrXBMRService/SayHello", false)]
    [InlineData("/bmr.BMRService/SayHelloAgain", false)]
    [InlineData("/bmr.BMRService/SayHello/x", false)]
    public void AGrpcMethodPathMatchesOnlyItself(string requestPath, bool admitted) =>
        Assert.Equal(admitted, FullMatch(HttpRoute.EscapeRegex("/bmr.BMRService/SayHello"), requestPath));

    private static bool FullMatch(string ciliumPath, string requestPath) => Regex.IsMatch(requestPath, $"^(?:{ciliumPath})$");
}
