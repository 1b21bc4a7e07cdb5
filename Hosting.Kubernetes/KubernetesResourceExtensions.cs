using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Google.Protobuf.Reflection;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>What a resource declares for the cluster: its protocols' routes, its metrics, changes to its objects.</summary>
public static class KubernetesResourceExtensions
{
    /// <summary>
    /// Changes the objects generated for the resource (its Deployment, Service, ConfigMap, autoscaler…), as typed
    /// KubernetesClient models, after the publisher has built them. Called in the order they are added.
    /// </summary>
    public static IResourceBuilder<T> PublishAsKubernetesService<T>(this IResourceBuilder<T> builder, Action<KubernetesWorkload> configure)
        where T : IComputeResource =>
        builder.WithAnnotation(new KubernetesCustomizationAnnotation(configure), ResourceAnnotationMutationBehavior.Append);

    /// <summary>
    /// The gRPC services the resource serves on its HTTP/2 endpoint: the network policies let each caller send exactly
    /// their methods (POST on <c>/&lt;package&gt;.&lt;Service&gt;/&lt;Method&gt;</c>).
    /// </summary>
    public static IResourceBuilder<T> WithGrpcServices<T>(this IResourceBuilder<T> builder, params ServiceDescriptor[] services)
        where T : IResourceWithEndpoints =>
        builder.WithAnnotation(new GrpcServicesAnnotation(services), ResourceAnnotationMutationBehavior.Replace);

    /// <summary>The HTTP routes an endpoint serves to the resources that reference it: their only admitted requests.</summary>
    public static IResourceBuilder<T> WithHttpRoutes<T>(this IResourceBuilder<T> builder, string endpointName, params HttpRoute[] routes)
        where T : IResourceWithEndpoints =>
        builder.WithAnnotation(new HttpRoutesAnnotation(endpointName, routes), ResourceAnnotationMutationBehavior.Append);

    /// <summary>The routes of the resource's external HTTP endpoint the ingress may reach: every other request is refused.</summary>
    public static IResourceBuilder<T> WithPublicRoutes<T>(this IResourceBuilder<T> builder, params HttpRoute[] routes)
        where T : IResourceWithEndpoints =>
        builder.WithAnnotation(new PublicRoutesAnnotation(routes), ResourceAnnotationMutationBehavior.Replace);

    /// <summary>
    /// Hands the resource behind the ingress, in its configuration, what the cluster settings say of its public edge: each
    /// network of parameter <c>ingress-source-networks</c> as <c>&lt;sourceNetworksKey&gt;:&lt;n&gt;</c> (the proxies whose
    /// <c>X-Forwarded-*</c> headers it may believe) and, with parameter <c>tls-before-ingress</c> true,
    /// <c>&lt;httpsKey&gt;=true</c>; written as environment variables (<c>:</c> as <c>__</c>), nothing when not given.
    /// </summary>
    public static IResourceBuilder<T> WithIngressEdgeConfiguration<T>(this IResourceBuilder<T> builder, string sourceNetworksKey, string httpsKey)
        where T : IResourceWithEndpoints
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceNetworksKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(httpsKey);
        return builder.WithAnnotation(new IngressEdgeAnnotation(sourceNetworksKey, httpsKey), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>Prometheus scrapes <paramref name="path"/> on the endpoint: a ServiceMonitor, and a policy that admits only that.</summary>
    public static IResourceBuilder<T> WithPrometheusScrape<T>(this IResourceBuilder<T> builder, string endpointName, string path = "/metrics")
        where T : IResourceWithEndpoints =>
        builder.WithAnnotation(new PrometheusScrapeAnnotation(endpointName, path), ResourceAnnotationMutationBehavior.Replace);
}
