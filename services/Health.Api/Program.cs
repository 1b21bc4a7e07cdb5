using NutritionAspire;
using NutritionAspire.HealthApi;
using NutritionAspire.HealthApi.Calculator;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.UsePortVariable();
builder.AddServiceDefaults(ResourceNames.HealthApi);
builder.AddCalculator();
builder.Services.AddOpenApi();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapProbes();
app.MapCalculator();
app.MapOpenApi();
app.MapScalarApiReference();
app.Run();
