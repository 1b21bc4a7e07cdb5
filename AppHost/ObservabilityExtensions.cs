using Microsoft.Extensions.Configuration;

namespace NutritionAspire.AppHost;

internal static class ObservabilityExtensions
{
    /// <summary>Configuration switch for the Prometheus and Grafana containers (on by default; tests turn it off).</summary>
    public const string ContainersSetting = "Observability:Containers";

    /// <summary>The Grafana dashboards, relative to the AppHost folder: local Grafana mounts them, the cluster gets them as ConfigMaps.</summary>
    public const string GrafanaDashboardsFolder = "Observability/grafana/dashboards";

    private const string PrometheusImage = "prom/prometheus";
    private const string PrometheusTag = "v3.5.0";
    private const string GrafanaImage = "grafana/grafana";
    private const string GrafanaTag = "12.1.1";

    /// <summary>Where the container sees <see cref="PrometheusRuleFiles.Folder"/>; start.sh copies it beside the configuration.</summary>
    private const string RulesMount = "/etc/prometheus-rules";

    /// <summary>
    /// Adds Prometheus, scraping the <c>/metrics</c> of every service (its targets come from the model's endpoints) and
    /// evaluating the SLO recording rules and alerts, and Grafana, provisioned with Prometheus and the dashboards; the
    /// cluster gets the same rules and dashboards. Local runs only: the traces still go to the Aspire dashboard over
    /// OTLP, and a run without a container runtime skips these two.
    /// </summary>
    public static void AddPrometheusAndGrafana(this IDistributedApplicationBuilder builder, params IResourceBuilder<ProjectResource>[] services)
    {
        if (!builder.ExecutionContext.IsRunMode || !builder.Configuration.GetValue(ContainersSetting, defaultValue: true))
        {
            return;
        }

        var configuration = Path.Combine(builder.AppHostDirectory, "Observability");
        var prometheus = builder.AddContainer(ResourceNames.Prometheus, PrometheusImage, PrometheusTag)
            .WithBindMount(Path.Combine(configuration, "prometheus"), "/etc/prometheus", isReadOnly: true)
            .WithBindMount(Path.Combine(builder.AppHostDirectory, PrometheusRuleFiles.Folder), RulesMount, isReadOnly: true)
            .WithEntrypoint("/bin/sh")
            .WithArgs("/etc/prometheus/start.sh")
            .WithHttpEndpoint(targetPort: 9090)
            .WithHttpHealthCheck("/-/ready");
        foreach (var service in services)
        {
            // start.sh turns each services__<name>__http__0 into a scrape target labelled service=<name>.
            prometheus.WithReference(service.GetEndpoint(ResourceNames.HttpEndpoint));
        }

        builder.AddContainer(ResourceNames.Grafana, GrafanaImage, GrafanaTag)
            .WithBindMount(Path.Combine(configuration, "grafana", "provisioning"), "/etc/grafana/provisioning", isReadOnly: true)
            .WithBindMount(Path.Combine(builder.AppHostDirectory, GrafanaDashboardsFolder), "/var/lib/grafana/dashboards", isReadOnly: true)
            .WithEnvironment("PROMETHEUS_URL", prometheus.GetEndpoint("http"))
            .WithEnvironment("GF_AUTH_ANONYMOUS_ENABLED", "true")
            .WithEnvironment("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer")
            .WithEnvironment("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", "/var/lib/grafana/dashboards/nutrition-services.json")
            .WithHttpEndpoint(targetPort: 3000)
            .WithHttpHealthCheck("/api/health")
            .WaitFor(prometheus);
    }
}
