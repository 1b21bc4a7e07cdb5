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
builder.AddGrpcDependency(ResourceNames.WaterGrpc, "WATER_SERVICE_ENDPOINT", channel => new WaterService.WaterServiceClient(channel));
builder.AddGrpcDependency(ResourceNames.ProteinsGrpc, "PROTEINS_SERVICE_ENDPOINT", channel => new ProteinsService.ProteinsServiceClient(channel));
builder.AddGrpcDependency(ResourceNames.CaloriesGrpc, "CALORIES_SERVICE_ENDPOINT", channel => new CaloriesService.CaloriesServiceClient(channel));

var app = builder.Build();
app.MapStrictGrpcService<RecommendationsGrpcService>(RecomendationsService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
