using NutritionAspire.Bmr;
using NutritionAspire.Calories;
using NutritionAspire.Imc;
using NutritionAspire.Proteins;
using NutritionAspire.Water;
using Example = NutritionAspire.Contracts.WorkedExample;

namespace NutritionAspire.Services.Tests;

/// <summary>Every rule of docs/contract.md §3, with the worked example's exact doubles.</summary>
public sealed class CalculationRuleTests
{
    [Fact]
    public void WorkedExampleBasalMetabolismMatchesTheContractBitForBit()
    {
        var result = BasalMetabolicRate.Calculate(Example.Gender, Example.Weight, Example.Height, Example.Age, Example.Activity);

        Assert.Equal((Example.Bmr, Example.Necessity), (result.Bmr, result.Necessity));
    }

    [Theory]
    [InlineData("M")]
    [InlineData("m")]
    public void MaleFormulaIsChosenCaseInsensitively(string gender) =>
        Assert.Equal(1794, BasalMetabolicRate.Calculate(gender, 80, 1.8, 40, "sedentary").Bmr);

    [Theory]
    [InlineData("F")]
    [InlineData("f")]
    [InlineData("")]
    public void FemaleFormulaUsesTheHarrisBenedictConstant655(string gender)
    {
        var result = BasalMetabolicRate.Calculate(gender, 90.0, 1.77, 0, "sedentary");

        Assert.Equal((1834, 2200.7999999999997), (result.Bmr, result.Necessity));
    }

    [Theory]
    [InlineData("sedentary", 2626.2)]
    [InlineData("lightly_active", 3009.1875)]
    [InlineData("moderately_active", 3392.175)]
    [InlineData("very_active", 3775.1625000000004)]
    [InlineData("extra_active", 4158.15)]
    [InlineData("EXTRA_ACTIVE", 4158.15)]
    public void NecessityIsBmrTimesTheActivityFactor(string activity, double necessity)
    {
        var result = BasalMetabolicRate.Calculate("M", 90.0, 1.77, 0, activity);

        Assert.Equal((2188.5, necessity), (result.Bmr, result.Necessity));
    }

    [Fact]
    public void UnknownActivityIsRejectedNamingTheField()
    {
        var error = Assert.Throws<InvalidInputException>(() => BasalMetabolicRate.Calculate("M", 90, 1.77, 26, "couch"));

        Assert.Equal(["activity"], error.Fields);
        Assert.Contains("'couch'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1.77, "weight")]
    [InlineData(-0.0, 1.77, "weight")]
    [InlineData(-1, 1.77, "weight")]
    [InlineData(0.9999999999999999, 1.77, "weight")]
    [InlineData(700.0000000000001, 1.77, "weight")]
    [InlineData(1e19, 1.77, "weight")]
    [InlineData(double.MaxValue, 1.77, "weight")]
    [InlineData(double.NaN, 1.77, "weight")]
    [InlineData(double.PositiveInfinity, 1.77, "weight")]
    [InlineData(90, 0, "height")]
    [InlineData(90, 5e-324, "height")]
    [InlineData(90, 1e-200, "height")]
    [InlineData(90, 0.29999999999999993, "height")]
    [InlineData(90, 3.0000000000000004, "height")]
    [InlineData(90, double.NegativeInfinity, "height")]
    [InlineData(90, double.NaN, "height")]
    public void MeasuresOutsideHealthApisBoundsAreRejectedByEveryRule(double weight, double height, string field)
    {
        Assert.Equal([field], Assert.Throws<InvalidInputException>(() => BasalMetabolicRate.Calculate("M", weight, height, 26, "sedentary")).Fields);
        Assert.Equal([field], Assert.Throws<InvalidInputException>(() => BodyMassIndex.Calculate(weight, height)).Fields);
        Assert.Equal([field], Assert.Throws<InvalidInputException>(() => DailyWater.Calculate(weight, height)).Fields);
        if (field == "weight")
        {
            Assert.Equal([field], Assert.Throws<InvalidInputException>(() => DailyProtein.Calculate(weight)).Fields);
        }
    }

    [Theory]
    [InlineData(1, 0.3)]
    [InlineData(700, 3)]
    [InlineData(1, 3)]
    [InlineData(700, 0.3)]
    public void TheBoundsThemselvesAreAccepted(double weight, double height)
    {
        Assert.True(BasalMetabolicRate.Calculate("F", weight, height, 0, "sedentary").Bmr > 0);
        Assert.True(double.IsFinite(BodyMassIndex.Calculate(weight, height).Imc));
        Assert.Equal(weight * 35, DailyWater.Calculate(weight, height).Value);
        Assert.Equal((long)weight * 2, DailyProtein.Calculate(weight).Value);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-1000)]
    [InlineData(151)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    public void AgesOutside0To150AreRejected(long age) =>
        Assert.Equal(["age"], Assert.Throws<InvalidInputException>(() => BasalMetabolicRate.Calculate("F", 90, 1.77, age, "sedentary")).Fields);

    [Theory]
    [InlineData(0, 1834)]
    [InlineData(150, 1129)]
    public void Age0WhichTheOriginalHealthApiSendsAnd150AreAccepted(long age, double bmr) =>
        Assert.Equal(bmr, BasalMetabolicRate.Calculate("F", 90, 1.77, age, "sedentary").Bmr);

    [Theory]
    [InlineData("M", 1, 1, 150)]
    [InlineData("M", 1, 0.3, 34)]
    [InlineData("M", 20, 0.8, 150)]
    public void ValuesInRangeWhoseBmrWouldBeNegativeAreRejectedNamingTheThreeFields(string gender, double weight, double height, long age)
    {
        var error = Assert.Throws<InvalidInputException>(() => BasalMetabolicRate.Calculate(gender, weight, height, age, "sedentary"));

        Assert.Equal(["weight", "height", "age"], error.Fields);
        Assert.StartsWith("weight, height and age give a negative bmr (-", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLightestShortestPersonHasAPositiveBmrUpTo33AsAManAndAtEveryAgeAsAWoman()
    {
        // docs/contract.md §3, worked values.
        Assert.Equal(5.349999999999994, BasalMetabolicRate.Calculate("M", 1, 0.3, 33, "sedentary").Bmr);
        Assert.Equal(13.559999999999945, BasalMetabolicRate.Calculate("F", 1, 0.3, 150, "sedentary").Bmr);
    }

    [Fact]
    public void WorkedExampleImcIsOverweight()
    {
        var result = BodyMassIndex.Calculate(Example.Weight, Example.Height);

        Assert.Equal((Example.Imc, Example.ImcClass), (result.Imc, result.Class));
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
        Assert.Equal(new WaterIntake(Example.WaterMillilitres, "ml"), DailyWater.Calculate(Example.Weight, Example.Height));
        Assert.Equal(2467.5, DailyWater.Calculate(70.5, 1.6).Value);
    }

    [Theory]
    [InlineData(90.0, 180)]
    [InlineData(90.9, 180)]
    [InlineData(90.99999, 180)]
    [InlineData(1.0, 2)]
    [InlineData(1.9999999999999998, 2)]
    [InlineData(700, 1400)]
    public void ProteinTruncatesTheWeightBeforeDoubling(double weight, long expected) =>
        Assert.Equal(new ProteinIntake(expected, "g"), DailyProtein.Calculate(weight));

    [Fact]
    public void WorkedExampleCalorieTargets()
    {
        var result = CalorieTargets.Calculate(Example.Necessity);

        Assert.Equal((Example.CaloriesToMaintain, Example.CaloriesToLose, Example.CaloriesToGain), (result.Maintain, result.Loss, result.Gain));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-0.0)]
    [InlineData(-5e-324)]
    [InlineData(1.0000000000000002e308)]
    [InlineData(double.MaxValue)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void CalorieTargetsRejectInvalidNecessity(double necessity) =>
        Assert.Equal(["necessity"], Assert.Throws<InvalidInputException>(() => CalorieTargets.Calculate(necessity)).Fields);

    [Theory]
    [InlineData(0)]
    [InlineData(5e-324)]
    [InlineData(InputRules.MaxNecessity)]
    public void CalorieTargetsOfEveryAcceptedNecessityAreFiniteAndNonNegative(double necessity)
    {
        var result = CalorieTargets.Calculate(necessity);

        Assert.All([result.Loss, result.Maintain, result.Gain], target => Assert.True(double.IsFinite(target) && !double.IsNegative(target), $"{target}"));
    }

    [Fact]
    public void AQuotedInputKeepsAtMostAHundredCharactersAndNeverSplitsASurrogatePair()
    {
        var hundred = new string('a', 100);

        Assert.Equal($"'{hundred}'", InputRules.Quote(hundred));
        Assert.Equal($"'{hundred}…' (101 characters)", InputRules.Quote(hundred + "b"));
        Assert.Equal($"'{hundred[..99]}…' (102 characters)", InputRules.Quote(hundred[..99] + "😀b"));
    }
}
