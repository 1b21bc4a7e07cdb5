using NutritionAspire;
using NutritionAspire.Water;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.WaterGrpc);
builder.AddGrpcServiceDefaults();

var app = builder.Build();
app.MapGrpcService<WaterService>();
app.MapGrpcServiceDefaults();
app.Run();
