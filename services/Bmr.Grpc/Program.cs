using NutritionAspire;
using NutritionAspire.Bmr;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.BmrGrpc);
builder.AddGrpcServiceDefaults();

var app = builder.Build();
app.MapGrpcService<BmrService>();
app.MapGrpcServiceDefaults();
app.Run();
