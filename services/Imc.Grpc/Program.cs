using NutritionAspire;
using NutritionAspire.Contracts.Imc;
using NutritionAspire.Imc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.ImcGrpc);
builder.AddGrpcServiceDefaults(IMCService.Descriptor);

var app = builder.Build();
app.MapStrictGrpcService<ImcGrpcService>(IMCService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
