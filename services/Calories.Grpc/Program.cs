using NutritionAspire;
using NutritionAspire.Contracts;
using NutritionAspire.Contracts.Calories;
using NutritionAspire.Calories;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ResourceNames.CaloriesGrpc);
builder.AddGrpcServiceDefaults(CaloriesService.Descriptor);
builder.AddGrpcWarmUp((invoker, options) => new CaloriesService.CaloriesServiceClient(invoker).SayHelloAsync(WorkedExample.CaloriesRequest, options).ResponseAsync);

var app = builder.Build();
app.MapStrictGrpcService<CaloriesGrpcService>(CaloriesService.BindService);
app.MapGrpcServiceDefaults();
app.Run();
