using k8s;
using k8s.Models;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// The objects generated for one resource, as KubernetesClient's typed models, handed to the resource's
/// <see cref="KubernetesResourceExtensions.PublishAsKubernetesService"/> callbacks before they are written. Change them
/// in place, set the optional ones to null to leave them out, or add objects of your own.
/// </summary>
public sealed class KubernetesWorkload
{
    internal KubernetesWorkload(string name, V1Deployment deployment)
    {
        Name = name;
        Deployment = deployment;
    }

    /// <summary>The resource's name: the name of its Deployment, Service and the prefix of its other objects.</summary>
    public string Name { get; }

    public V1Deployment Deployment { get; }

    /// <summary>The plain environment settings, read by the container through <c>envFrom</c>.</summary>
    public V1ConfigMap? ConfigMap { get; set; }

    /// <summary>The ports of the endpoints; null when the resource has none.</summary>
    public V1Service? Service { get; set; }

    /// <summary>For a resource with more than one replica: its replicas are the autoscaler's minimum.</summary>
    public V2HorizontalPodAutoscaler? HorizontalPodAutoscaler { get; set; }

    public V1PodDisruptionBudget? PodDisruptionBudget { get; set; }

    /// <summary>For the resource with the external HTTP endpoint.</summary>
    public V1Ingress? Ingress { get; set; }

    public ServiceMonitor? ServiceMonitor { get; set; }

    /// <summary>One per named volume.</summary>
    public IList<V1PersistentVolumeClaim> PersistentVolumeClaims { get; } = [];

    /// <summary>Objects of your own, written beside the others (a file per object, named after its kind and name).</summary>
    public IList<IKubernetesObject<V1ObjectMeta>> AdditionalObjects { get; } = [];

    /// <summary>The resource's container in <see cref="Deployment"/>.</summary>
    public V1Container Container => Deployment.Spec.Template.Spec.Containers[0];
}
