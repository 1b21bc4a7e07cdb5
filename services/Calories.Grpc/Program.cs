using NutritionAspire;
using NutritionAspire.Calories;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.CaloriesGrpc);
builder.AddGrpcServiceDefaults();

var app = builder.Build();
app.MapGrpcService<CaloriesService>();
app.MapGrpcServiceDefaults();
app.Run();
