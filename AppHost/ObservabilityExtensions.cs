using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NutritionAspire.AppHost;

internal static partial class ObservabilityExtensions
{
    /// <summary>Configuration switch for Prometheus and Grafana (on by default; off leaves both out of the model).</summary>
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
    /// Adds Prometheus, scraping the <c>/metrics</c> of every service and evaluating the SLO recording rules and alerts,
    /// and Grafana, provisioned with Prometheus and the dashboards; the cluster gets the same rules and dashboards.
    /// Local runs only: the traces go to the Aspire dashboard over OTLP either way. Both are containers when a
    /// container engine answers. Without one, Prometheus runs from its own binary where one is installed, and what
    /// cannot run is shown in the dashboard as left out, with the reason, so the run still starts.
    /// </summary>
    public static void AddPrometheusAndGrafana(this IDistributedApplicationBuilder builder, params IResourceBuilder<ProjectResource>[] services)
    {
        if (!builder.ExecutionContext.IsRunMode || !builder.Configuration.GetValue(ContainersSetting, defaultValue: true))
        {
            return;
        }

        var engine = ContainerEngine.Probe(builder.Configuration);
        if (engine.IsRunning)
        {
            var prometheus = builder.AddPrometheusContainer(services);
            builder.AddGrafanaContainer(prometheus);
            return;
        }

        var binary = PrometheusBinary();
        if (binary is not null)
        {
            builder.AddPrometheusExecutable(binary, services);
        }
        else
        {
            builder.AddLeftOut(ResourceNames.Prometheus, "Container", $"no container engine: {engine.Problem}, and no prometheus binary on PATH");
        }

        builder.AddLeftOut(ResourceNames.Grafana, "Container", $"no container engine: {engine.Problem}");
        var message = binary is null
            ? $"No container engine ({engine.Problem}): prometheus and grafana are left out. Start Docker or Podman, or install Prometheus, and run the AppHost again to get them."
            : $"No container engine ({engine.Problem}): prometheus runs from {binary}, grafana is left out. Start Docker or Podman and run the AppHost again to get it.";
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            LogLeftOut(@event.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ObservabilityExtensions).FullName!), message);
            return Task.CompletedTask;
        });
    }

    private static IResourceBuilder<ContainerResource> AddPrometheusContainer(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource>[] services)
    {
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

        return prometheus;
    }

    private static void AddGrafanaContainer(this IDistributedApplicationBuilder builder, IResourceBuilder<ContainerResource> prometheus)
    {
        var configuration = Path.Combine(builder.AppHostDirectory, "Observability");
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

    /// <summary>
    /// Prometheus from its binary, on the container's configuration and rule files, laid out the way start.sh lays them
    /// out: a working copy of both, and the scrape targets written as file_sd targets (one per service, labelled
    /// <c>service</c>) just before it starts, when every service's address is known.
    /// </summary>
    private static void AddPrometheusExecutable(
        this IDistributedApplicationBuilder builder, string binary, IResourceBuilder<ProjectResource>[] services)
    {
        var work = Path.Combine(Path.GetTempPath(), "nutrition-aspire-prometheus", Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(builder.AppHostDirectory)))[..12]);
        var prometheus = builder.AddExecutable(ResourceNames.Prometheus, binary, work)
            .WithHttpEndpoint(name: "http")
            .WithHttpHealthCheck("/-/ready");
        var endpoint = prometheus.GetEndpoint("http");
        prometheus.WithArgs(context =>
        {
            context.Args.Add($"--config.file={Path.Combine(work, "prometheus.yml")}");
            context.Args.Add($"--storage.tsdb.path={Path.Combine(work, "data")}");
            context.Args.Add(ReferenceExpression.Create($"--web.listen-address=localhost:{endpoint.Property(EndpointProperty.TargetPort)}"));
        });
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(prometheus.Resource, async (_, cancellationToken) =>
        {
            Directory.CreateDirectory(Path.Combine(work, "targets"));
            File.Copy(Path.Combine(builder.AppHostDirectory, "Observability", "prometheus", "prometheus.yml"), Path.Combine(work, "prometheus.yml"), overwrite: true);
            var rules = Path.Combine(work, "rules");
            if (Directory.Exists(rules))
            {
                Directory.Delete(rules, recursive: true);
            }

            Directory.CreateDirectory(rules);
            foreach (var (name, content) in PrometheusRuleFiles.Read(builder.AppHostDirectory))
            {
                await File.WriteAllTextAsync(Path.Combine(rules, name), content, cancellationToken);
            }

            var targets = new List<object>();
            foreach (var service in services)
            {
                var address = new Uri(await service.GetEndpoint(ResourceNames.HttpEndpoint).GetValueAsync(cancellationToken)
                    ?? throw new InvalidOperationException($"{service.Resource.Name} has no http address."));
                targets.Add(new { targets = new[] { address.Authority }, labels = new Dictionary<string, string> { ["service"] = service.Resource.Name } });
            }

            await File.WriteAllTextAsync(Path.Combine(work, "targets", "services.json"), JsonSerializer.Serialize(targets), cancellationToken);
        });
    }

    /// <summary>
    /// A resource that cannot run on this machine, shown in the dashboard in a warning state that says why (and in its
    /// console log), instead of a container that would wait for an engine forever.
    /// </summary>
    private static void AddLeftOut(this IDistributedApplicationBuilder builder, string name, string resourceType, string reason)
    {
        var resource = builder.AddResource(new LeftOutResource(name))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = resourceType,
                State = new ResourceStateSnapshot("Left out", KnownResourceStateStyles.Warn),
                Properties = [new("Reason", reason)],
            })
            .ExcludeFromManifest();
        builder.Eventing.Subscribe<InitializeResourceEvent>(resource.Resource, (@event, _) =>
        {
            LogResourceLeftOut(@event.Logger, name, reason);
            return Task.CompletedTask;
        });
    }

    /// <summary>The <c>prometheus</c> executable on <c>PATH</c>, if any.</summary>
    private static string? PrometheusBinary() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, OperatingSystem.IsWindows() ? "prometheus.exe" : "prometheus"))
            .FirstOrDefault(File.Exists);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogLeftOut(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name} is left out of this run: {Reason}.")]
    private static partial void LogResourceLeftOut(ILogger logger, string name, string reason);

    private sealed class LeftOutResource(string name) : Resource(name);
}
