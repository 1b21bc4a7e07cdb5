using NutritionAspire;
using NutritionAspire.AppHost;
using NutritionAspire.AppHost.Kubernetes;

var builder = DistributedApplication.CreateBuilder(args);

var water = builder.AddGrpcService<Projects.Water_Grpc>(ResourceNames.WaterGrpc);
var proteins = builder.AddGrpcService<Projects.Proteins_Grpc>(ResourceNames.ProteinsGrpc);
var calories = builder.AddGrpcService<Projects.Calories_Grpc>(ResourceNames.CaloriesGrpc);

var recommendations = builder.AddGrpcService<Projects.Recommendations_Grpc>(ResourceNames.RecommendationsGrpc)
    .WithReference(water).WaitFor(water)
    .WithReference(proteins).WaitFor(proteins)
    .WithReference(calories).WaitFor(calories);

var bmr = builder.AddGrpcService<Projects.Bmr_Grpc>(ResourceNames.BmrGrpc);
var imc = builder.AddGrpcService<Projects.Imc_Grpc>(ResourceNames.ImcGrpc);

var healthApi = builder.AddHealthApi<Projects.Health_Api>(ResourceNames.HealthApi)
    .WithReference(bmr).WaitFor(bmr)
    .WithReference(imc).WaitFor(imc)
    .WithReference(recommendations).WaitFor(recommendations)
    .WithLoadTestCommand(builder.Configuration);

builder.AddPrometheusAndGrafana(water, proteins, calories, recommendations, bmr, imc, healthApi);

builder.AddKubernetesManifests();

builder.Build().Run();
