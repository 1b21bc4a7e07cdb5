using System.Text.Json.Serialization;

namespace NutritionAspire.HealthApi.Calculator;

/// <summary>The <c>POST /calculator</c> answer; property order is the wire order of docs/contract.md §4.</summary>
public sealed record CalculatorResponse(
    Guid Id,
    int Status,
    BodyMassIndex Imc,
    Basal Basal,
    HealthInfo HealthInfo,
    [property: JsonPropertyName("recomendations")] Recommendations Recommendations);

public sealed record BodyMassIndex(double Result, string Class);

public sealed record Basal(Measure Bmr, Measure Necessity);

public sealed record Measure(double Value, string Unit);

public sealed record Recommendations(ProteinMeasure Protein, Measure Water, Calories Calories);

public sealed record ProteinMeasure(long Value, string Unit);

public sealed record Calories(Measure MaintainWeight, Measure LossWeight, Measure GainWeight);
