using NutritionAspire;
using NutritionAspire.Proteins;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.ProteinsGrpc);
builder.AddGrpcServiceDefaults();

var app = builder.Build();
app.MapGrpcService<ProteinsService>();
app.MapGrpcServiceDefaults();
app.Run();
