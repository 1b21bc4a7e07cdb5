using NutritionAspire;
using NutritionAspire.HealthApi;
using NutritionAspire.HealthApi.Calculator;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.UsePortVariable();
builder.AddServiceDefaults(ResourceNames.HealthApi);
builder.AddProblemResponses();
builder.AddCalculator();
builder.Services.AddOpenApi();

var app = builder.Build();
app.UseProblemResponses();
app.MapDefaultEndpoints();
app.MapProbes();
app.MapCalculator();
app.MapOpenApi();
app.MapScalarApiReference();
app.Run();
