using NutritionAspire;
using NutritionAspire.Contracts.Calories;
using NutritionAspire.Calories;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.CaloriesGrpc);
builder.AddGrpcServiceDefaults(CaloriesService.Descriptor);

var app = builder.Build();
app.MapStrictGrpcService<CaloriesGrpcService>(CaloriesService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
