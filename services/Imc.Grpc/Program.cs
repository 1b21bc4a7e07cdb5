using NutritionAspire;
using NutritionAspire.Imc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.ImcGrpc);
builder.AddGrpcServiceDefaults();

var app = builder.Build();
app.MapGrpcService<ImcService>();
app.MapGrpcServiceDefaults();
app.Run();
