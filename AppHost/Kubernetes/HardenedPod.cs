using k8s.Models;
using static NutritionAspire.AppHost.Kubernetes.KubernetesObjects;

namespace NutritionAspire.AppHost.Kubernetes;

/// <summary>The pod every Deployment runs: one container, restricted security, spread over zones and nodes.</summary>
public static class HardenedPod
{
    /// <summary>The non-root <c>app</c> user of the .NET base images.</summary>
    public const int AppUserId = 1654;

    public static V1PodSpec For(string name, V1Container container)
    {
        container.SecurityContext = new V1SecurityContext
        {
            AllowPrivilegeEscalation = false,
            ReadOnlyRootFilesystem = true,
            RunAsNonRoot = true,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        };
        container.VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }];
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
                FsGroup = AppUserId,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            TopologySpreadConstraints =
            [
                Spread(name, "topology.kubernetes.io/zone"),
                Spread(name, "kubernetes.io/hostname"),
            ],
            Containers = [container],
            Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("64Mi") } }],
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
