using NutritionAspire;
using NutritionAspire.Contracts;
using NutritionAspire.Contracts.Calories;
using NutritionAspire.Contracts.Proteins;
using NutritionAspire.Contracts.Recommendations;
using NutritionAspire.Contracts.Water;
using NutritionAspire.Recommendations;
using NutritionAspire.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.RecommendationsGrpc);
builder.AddGrpcServiceDefaults(RecomendationsService.Descriptor);
builder.AddGrpcWarmUp((invoker, options) => new RecomendationsService.RecomendationsServiceClient(invoker).SayHelloAsync(WorkedExample.RecommendationsRequest, options).ResponseAsync);
builder.AddGrpcDependency(ResourceNames.WaterGrpc, "WATER_SERVICE_ENDPOINT", invoker => new WaterService.WaterServiceClient(invoker)).PropagateGrpcCallContext();
builder.AddGrpcDependency(ResourceNames.ProteinsGrpc, "PROTEINS_SERVICE_ENDPOINT", invoker => new ProteinsService.ProteinsServiceClient(invoker)).PropagateGrpcCallContext();
builder.AddGrpcDependency(ResourceNames.CaloriesGrpc, "CALORIES_SERVICE_ENDPOINT", invoker => new CaloriesService.CaloriesServiceClient(invoker)).PropagateGrpcCallContext();

var app = builder.Build();
app.MapStrictGrpcService<RecommendationsGrpcService>(RecomendationsService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
