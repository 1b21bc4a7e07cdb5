using NutritionAspire;
using NutritionAspire.Contracts;
using NutritionAspire.Contracts.Water;
using NutritionAspire.Water;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.WaterGrpc);
builder.AddGrpcServiceDefaults(WaterService.Descriptor);
builder.AddGrpcWarmUp((invoker, options) => new WaterService.WaterServiceClient(invoker).SayHelloAsync(WorkedExample.WaterRequest, options).ResponseAsync);

var app = builder.Build();
app.MapStrictGrpcService<WaterGrpcService>(WaterService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
