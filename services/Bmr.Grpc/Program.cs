using NutritionAspire;
using NutritionAspire.Contracts.Bmr;
using NutritionAspire.Bmr;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.BmrGrpc);
builder.AddGrpcServiceDefaults(BMRService.Descriptor);

var app = builder.Build();
app.MapStrictGrpcService<BmrGrpcService>(BMRService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
