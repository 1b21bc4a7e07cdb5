using NutritionAspire;
using NutritionAspire.Contracts;
using NutritionAspire.Contracts.Imc;
using NutritionAspire.Imc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.ImcGrpc);
builder.AddGrpcServiceDefaults(IMCService.Descriptor);
builder.AddGrpcWarmUp((invoker, options) => new IMCService.IMCServiceClient(invoker).SayHelloAsync(WorkedExample.ImcRequest, options).ResponseAsync);

var app = builder.Build();
app.MapStrictGrpcService<ImcGrpcService>(IMCService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
