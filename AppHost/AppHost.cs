using NutritionAspire;
using NutritionAspire.AppHost;
using NutritionAspire.Contracts.Bmr;
using NutritionAspire.Contracts.Calories;
using NutritionAspire.Contracts.Imc;
using NutritionAspire.Contracts.Proteins;
using NutritionAspire.Contracts.Recommendations;
using NutritionAspire.Contracts.Water;
using NutritionAspire.Hosting.Kubernetes;

// The namespace the cluster's objects go to, which the Prometheus rules' expressions select.
const string ClusterNamespace = "nutrition";

var builder = DistributedApplication.CreateBuilder(args);

builder.AddKubernetesEnvironment("nutrition-aspire")
    .WithNamespace(ClusterNamespace)
    .WithImages(registry: "nutritionaspire", tag: "1.0.0")
    .WithIngressHost("health.k8s.cluster.local")
    .WithGrafanaDashboards(ObservabilityExtensions.GrafanaDashboardsFolder, grafanaFolder: "NutritionAspire")
    .WithPrometheusRules(PrometheusRuleFiles.Folder, selectedNamespace: ClusterNamespace);

var water = builder.AddGrpcService<Projects.NutritionAspire_Water_Grpc>(ResourceNames.WaterGrpc).WithGrpcServices(WaterService.Descriptor);
var proteins = builder.AddGrpcService<Projects.NutritionAspire_Proteins_Grpc>(ResourceNames.ProteinsGrpc).WithGrpcServices(ProteinsService.Descriptor);
var calories = builder.AddGrpcService<Projects.NutritionAspire_Calories_Grpc>(ResourceNames.CaloriesGrpc).WithGrpcServices(CaloriesService.Descriptor);

var recommendations = builder.AddGrpcService<Projects.NutritionAspire_Recommendations_Grpc>(ResourceNames.RecommendationsGrpc)
    .WithGrpcServices(RecomendationsService.Descriptor)
    .WithGrpcDependency(water)
    .WithGrpcDependency(proteins)
    .WithGrpcDependency(calories);

var bmr = builder.AddGrpcService<Projects.NutritionAspire_Bmr_Grpc>(ResourceNames.BmrGrpc).WithGrpcServices(BMRService.Descriptor);
var imc = builder.AddGrpcService<Projects.NutritionAspire_Imc_Grpc>(ResourceNames.ImcGrpc).WithGrpcServices(IMCService.Descriptor);

var healthApi = builder.AddHealthApi<Projects.NutritionAspire_HealthApi>(ResourceNames.HealthApi)
    .WithPublicRoutes(HttpRoute.Post("/calculator"), HttpRoute.Get("/healthcheck"), HttpRoute.Get("/version"),
        HttpRoute.GetUnder("/openapi/"), HttpRoute.GetUnder("/scalar"))
    // health-api's PublicEdge settings: X-Forwarded-* believed from the ingress's networks only, HTTPS when TLS ends before it.
    .WithIngressEdgeConfiguration(sourceNetworksKey: "PublicEdge:TrustedNetworks", httpsKey: "PublicEdge:Https")
    .WithGrpcDependency(bmr)
    .WithGrpcDependency(imc)
    .WithGrpcDependency(recommendations)
    .WithLoadTestCommand(builder.Configuration);

builder.AddPrometheusAndGrafana(water, proteins, calories, recommendations, bmr, imc, healthApi);

builder.Build().Run();
