using NutritionAspire.Bmr;
using NutritionAspire.Calories;
using NutritionAspire.Contracts;
using NutritionAspire.Imc;
using NutritionAspire.Proteins;
using NutritionAspire.Water;

namespace NutritionAspire.Services.Tests;

/// <summary>Every rule of contract §3, with the worked example's exact doubles.</summary>
public sealed class CalculationRuleTests
{
    [Fact]
    public void WorkedExampleBasalMetabolismMatchesTheContractBitForBit()
    {
        var result = BasalMetabolicRate.Calculate("M", 90.0, 1.77, 26, "very_active");

        Assert.Equal(2011.7, result.Bmr);
        Assert.Equal(3470.1825000000003, result.Necessity);
        Assert.Equal("3470.1825000000003", result.Necessity.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("M")]
    [InlineData("m")]
    public void MaleFormulaIsChosenCaseInsensitively(string gender) =>
        Assert.Equal(66 + (13.75 * 80) + (5.0 * (1.8 * 100)) - (6.8 * 40),
            BasalMetabolicRate.Calculate(gender, 80, 1.8, 40, "sedentary").Bmr);

    [Theory]
    [InlineData("F")]
    [InlineData("f")]
    [InlineData("")]
    public void FemaleFormulaUsesTheHarrisBenedictConstant655(string gender)
    {
        var result = BasalMetabolicRate.Calculate(gender, 90.0, 1.77, 0, "sedentary");

        Assert.Equal(655 + (9.56 * 90.0) + (1.8 * (1.77 * 100)) - (4.7 * 0), result.Bmr);
        Assert.Equal(1834.0, result.Bmr, 9);
    }

    [Theory]
    [InlineData("sedentary", 1.2)]
    [InlineData("lightly_active", 1.375)]
    [InlineData("moderately_active", 1.55)]
    [InlineData("very_active", 1.725)]
    [InlineData("extra_active", 1.9)]
    [InlineData("EXTRA_ACTIVE", 1.9)]
    public void NecessityIsBmrTimesTheActivityFactor(string activity, double factor)
    {
        var result = BasalMetabolicRate.Calculate("M", 90.0, 1.77, 0, activity);

        Assert.Equal(2188.5, result.Bmr);
        Assert.Equal(2188.5 * factor, result.Necessity);
    }

    [Fact]
    public void UnknownActivityIsRejectedNamingTheField()
    {
        var error = Assert.Throws<InvalidInputException>(() => BasalMetabolicRate.Calculate("M", 90, 1.77, 26, "couch"));

        Assert.Equal("activity", error.Field);
        Assert.Contains("'couch'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1.77, "weight")]
    [InlineData(-1, 1.77, "weight")]
    [InlineData(double.NaN, 1.77, "weight")]
    [InlineData(double.PositiveInfinity, 1.77, "weight")]
    [InlineData(90, 0, "height")]
    [InlineData(90, double.NaN, "height")]
    public void NonPositiveOrNonFiniteMeasuresAreRejectedByEveryRule(double weight, double height, string field)
    {
        Assert.Equal(field, Assert.Throws<InvalidInputException>(() => BasalMetabolicRate.Calculate("M", weight, height, 26, "sedentary")).Field);
        Assert.Equal(field, Assert.Throws<InvalidInputException>(() => BodyMassIndex.Calculate(weight, height)).Field);
        Assert.Equal(field, Assert.Throws<InvalidInputException>(() => DailyWater.Calculate(weight, height)).Field);
        if (field == "weight")
        {
            Assert.Equal(field, Assert.Throws<InvalidInputException>(() => DailyProtein.Calculate(weight)).Field);
        }
    }

    [Fact]
    public void WorkedExampleImcIsOverweight()
    {
        var result = BodyMassIndex.Calculate(90.0, 1.77);

        Assert.Equal(28.72737719046251, result.Imc);
        Assert.Equal("overweight", result.Class);
    }

    [Theory]
    [InlineData(18.4, "underweight")]
    [InlineData(18.5, "underweight")]
    [InlineData(18.500000000000004, "healthy")]
    [InlineData(24.9, "healthy")]
    [InlineData(24.95, "healthy")]
    [InlineData(24.999999999999996, "healthy")]
    [InlineData(25, "overweight")]
    [InlineData(29.9, "overweight")]
    [InlineData(29.95, "overweight")]
    [InlineData(30, "obese")]
    [InlineData(45, "obese")]
    public void ImcClassesHaveNoGapsAtTheBoundaries(double imc, string expected) =>
        Assert.Equal(expected, BodyMassIndex.Classify(imc));

    [Theory]
    [InlineData(76.5, 1.75, "healthy")]
    [InlineData(91.6, 1.75, "overweight")]
    [InlineData(92.0, 1.75, "obese")]
    public void ValuesTheOriginalLeftUnclassifiedNowHaveAClass(double weight, double height, string expected) =>
        Assert.Equal(expected, BodyMassIndex.Calculate(weight, height).Class);

    [Fact]
    public void WaterIs35MillilitresPerKilogram()
    {
        Assert.Equal(new WaterIntake(3150, "ml"), DailyWater.Calculate(90.0, 1.77));
        Assert.Equal(70.5 * 35, DailyWater.Calculate(70.5, 1.6).Value);
    }

    [Theory]
    [InlineData(90.0, 180)]
    [InlineData(90.9, 180)]
    [InlineData(90.99999, 180)]
    [InlineData(0.5, 0)]
    [InlineData(1.0, 2)]
    public void ProteinTruncatesTheWeightBeforeDoubling(double weight, long expected) =>
        Assert.Equal(new ProteinIntake(expected, "g"), DailyProtein.Calculate(weight));

    [Fact]
    public void WorkedExampleCalorieTargets()
    {
        var result = CalorieTargets.Calculate(3470.1825000000003);

        Assert.Equal(3470.1825000000003, result.Maintain);
        Assert.Equal(3123.1642500000003, result.Loss);
        Assert.Equal(4511.237250000001, result.Gain);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void CalorieTargetsRejectInvalidNecessity(double necessity) =>
        Assert.Equal("necessity", Assert.Throws<InvalidInputException>(() => CalorieTargets.Calculate(necessity)).Field);
}
