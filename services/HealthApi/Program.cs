using NutritionAspire;
using NutritionAspire.HealthApi;
using NutritionAspire.HealthApi.Calculator;
using NutritionAspire.HealthApi.Edge;
using NutritionAspire.HealthApi.OpenApi;

var builder = WebApplication.CreateBuilder(args);
builder.UsePortVariable();
builder.AddServiceDefaults(ResourceNames.HealthApi);
builder.AddHealthApiJson();
builder.AddProblemResponses();
builder.AddPublicEdge();
builder.AddCalculator();
builder.AddHealthApiDocument();

var app = builder.Build();
app.UseProblemResponses();
app.UsePublicEdge();
app.MapDefaultEndpoints();
app.MapProbes();
app.MapCalculator();
app.MapHealthApiDocument();
app.Run();
