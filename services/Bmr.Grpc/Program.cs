using NutritionAspire;
using NutritionAspire.Contracts;
using NutritionAspire.Contracts.Bmr;
using NutritionAspire.Bmr;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.BmrGrpc);
builder.AddGrpcServiceDefaults(BMRService.Descriptor);
builder.AddGrpcWarmUp((invoker, options) => new BMRService.BMRServiceClient(invoker).SayHelloAsync(WorkedExample.BmrRequest, options).ResponseAsync);

var app = builder.Build();
app.MapStrictGrpcService<BmrGrpcService>(BMRService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
