using NutritionAspire;
using NutritionAspire.Contracts.Proteins;
using NutritionAspire.Proteins;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.ProteinsGrpc);
builder.AddGrpcServiceDefaults(ProteinsService.Descriptor);

var app = builder.Build();
app.MapStrictGrpcService<ProteinsGrpcService>(ProteinsService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
