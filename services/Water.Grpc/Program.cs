using NutritionAspire;
using NutritionAspire.Contracts.Water;
using NutritionAspire.Water;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.WaterGrpc);
builder.AddGrpcServiceDefaults(WaterService.Descriptor);

var app = builder.Build();
app.MapStrictGrpcService<WaterGrpcService>(WaterService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
