using NutritionAspire;
using NutritionAspire.Contracts;
using NutritionAspire.Contracts.Proteins;
using NutritionAspire.Proteins;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.ProteinsGrpc);
builder.AddGrpcServiceDefaults(ProteinsService.Descriptor);
builder.AddGrpcWarmUp((invoker, options) => new ProteinsService.ProteinsServiceClient(invoker).SayHelloAsync(WorkedExample.ProteinsRequest, options).ResponseAsync);

var app = builder.Build();
app.MapStrictGrpcService<ProteinsGrpcService>(ProteinsService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
