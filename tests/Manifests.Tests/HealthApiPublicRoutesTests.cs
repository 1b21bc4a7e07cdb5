using System.Text.RegularExpressions;
using k8s.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using NutritionAspire.Hosting.Kubernetes;
using NutritionAspire.HealthApi.Calculator;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// The routes the ingress policy lets the outside world reach are routes health-api really maps, and every route it
/// maps is either public or listed here as kept inside the cluster.
/// </summary>
public sealed class HealthApiPublicRoutesTests
{
    /// <summary>Routes for the cluster only: the kubelet's probes (from the node) and Prometheus's scrape.</summary>
    private static readonly (string Method, string Path)[] s_clusterOnlyRoutes =
    [
        ("GET", "/liveness"), ("GET", "/readiness"), ("GET", "/metrics"),
    ];

    [Fact]
    public void EveryPublicRouteOfTheIngressPolicyIsARouteOfHealthApi()
    {
        var endpoints = HealthApiEndpoints();

        foreach (var route in PublicRoutes())
        {
            Assert.True(endpoints.Any(endpoint => Matches(route, endpoint)),
                $"The ingress policy allows {route.Method} {route.Path}, which no endpoint of health-api serves: " +
                string.Join(", ", endpoints.Select(e => $"{e.Method} {e.Path}")));
        }
    }

    [Fact]
    public void EveryRouteOfHealthApiIsEitherPublicOrKeptInsideTheCluster()
    {
        var publicRoutes = PublicRoutes();

        foreach (var endpoint in HealthApiEndpoints())
        {
            var isPublic = publicRoutes.Any(route => Matches(route, endpoint));
            var isClusterOnly = s_clusterOnlyRoutes.Any(route => Matches(route, endpoint));
            Assert.True(isPublic != isClusterOnly,
                $"{endpoint.Method} {endpoint.Path} must be either reachable through the ingress policy or listed as cluster-only " +
                $"(public: {isPublic}, cluster-only: {isClusterOnly}).");
        }
    }

    /// <summary>The method and path rules of the committed <c>health-api-from-ingress</c> policy.</summary>
    private static List<(string Method, string Path)> PublicRoutes()
    {
        var policy = ManifestFiles.OfType<CiliumNetworkPolicy>().Single(p => p.Metadata.Name == "health-api-from-ingress");
        return [.. policy.Spec.Ingress!.Single().ToPorts!.Single().Rules!.Http!.Select(rule => (rule.Method, rule.Path))];
    }

    /// <summary>
    /// Every route endpoint health-api maps, in memory, as a method (<c>*</c> for any) and a sample request path. Its
    /// dependencies are addressed through the service-discovery entries of its generated ConfigMap.
    /// </summary>
    private static List<(string Method, string Path)> HealthApiEndpoints()
    {
        var configMap = ManifestFiles.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == $"{ResourceNames.HealthApi}-env").Data;
        using var factory = new WebApplicationFactory<NutritionCalculator>().WithWebHostBuilder(builder =>
        {
            foreach (var dependency in new[] { ResourceNames.BmrGrpc, ResourceNames.ImcGrpc, ResourceNames.RecommendationsGrpc })
            {
                builder.UseSetting(ServiceDiscoverySettings.GrpcKey(dependency), configMap[ServiceDiscoverySettings.GrpcVariable(dependency)]);
            }
        });

        return [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => (method, SamplePath(endpoint.RoutePattern))))
            .Distinct()];
    }

    /// <summary>A request path the pattern matches: parameters get a sample value, optional ones at the end are left out.</summary>
    private static string SamplePath(RoutePattern pattern)
    {
        var segments = pattern.PathSegments
            .Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternSeparatorPart separator => separator.Content,
                RoutePatternParameterPart { IsOptional: true } => "",
                RoutePatternParameterPart => "v1",
                _ => throw new InvalidOperationException($"Unexpected part of route {pattern.RawText}."),
            })))
            .Where(segment => segment.Length > 0);
        return "/" + string.Join('/', segments);
    }

    /// <summary>Whether a Cilium HTTP rule (extended regexes matched against the whole method and path) admits the endpoint.</summary>
    private static bool Matches((string Method, string Path) rule, (string Method, string Path) endpoint) =>
        (endpoint.Method == "*" || Regex.IsMatch(endpoint.Method, $"^(?:{rule.Method})$"))
        && Regex.IsMatch(endpoint.Path, $"^(?:{rule.Path})$");
}
