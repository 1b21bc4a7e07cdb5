using k8s.Models;
using static NutritionAspire.Hosting.Kubernetes.KubernetesObjects;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>
/// The pod every Deployment runs: one container, restricted security (non-root, read-only root filesystem, no
/// privilege escalation, no capabilities), a writable <c>/tmp</c>, spread over zones and nodes.
/// </summary>
public static class HardenedPod
{
    /// <summary>The non-root <c>app</c> user of the .NET base images; other images run as it too (change it with PublishAsKubernetesService).</summary>
    public const int AppUserId = 1654;

    /// <summary>The emptyDir on <c>/tmp</c>, the one writable path besides the model's volumes.</summary>
    public const string TmpVolume = "tmp";

    public static V1PodSpec For(string name, V1Container container, IEnumerable<V1Volume>? volumes = null, IEnumerable<V1VolumeMount>? mounts = null)
    {
        container.SecurityContext = new V1SecurityContext
        {
            AllowPrivilegeEscalation = false,
            ReadOnlyRootFilesystem = true,
            RunAsNonRoot = true,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        };
        container.VolumeMounts = [new V1VolumeMount { Name = TmpVolume, MountPath = "/tmp" }, .. mounts ?? []];
        return new V1PodSpec
        {
            AutomountServiceAccountToken = false,
            EnableServiceLinks = false,
            TerminationGracePeriodSeconds = 30,
            SecurityContext = new V1PodSecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = AppUserId,
                RunAsGroup = AppUserId,
                // Volumes are writable by the group, so by the container's user.
                FsGroup = AppUserId,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            TopologySpreadConstraints =
            [
                Spread(name, "topology.kubernetes.io/zone"),
                Spread(name, "kubernetes.io/hostname"),
            ],
            Containers = [container],
            Volumes = [new V1Volume { Name = TmpVolume, EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("64Mi") } }, .. volumes ?? []],
        };
    }

    private static V1TopologySpreadConstraint Spread(string name, string topologyKey) => new()
    {
        MaxSkew = 1,
        TopologyKey = topologyKey,
        WhenUnsatisfiable = "ScheduleAnyway",
        LabelSelector = App(name),
    };
}
