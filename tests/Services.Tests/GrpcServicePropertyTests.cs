using CsCheck;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using NutritionAspire.Contracts.Bmr;
using NutritionAspire.Contracts.Calories;
using NutritionAspire.Contracts.Imc;
using NutritionAspire.Contracts.Proteins;
using NutritionAspire.Contracts.Recommendations;
using NutritionAspire.Contracts.Water;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// Thousands of generated messages, extreme doubles and odd strings included, against each gRPC service: the answer is
/// OK with the contract's finite, non-negative numbers exactly when the input is within the bounds restated here, and
/// otherwise INVALID_ARGUMENT with a short message naming a field; never another status, never an error log. bmr-grpc's
/// numbers are checked against the contract's worked values and by how they move with each input, not by a copy of
/// its formula.
/// </summary>
public sealed class GrpcServicePropertyTests
{
    private const int Iterations = 2_000;

    /// <summary>Field names, the rule, the bounds and a quote of at most 100 characters fit well within this.</summary>
    private const int MaxDetailLength = 400;

    private static readonly string[] s_activities = ["sedentary", "lightly_active", "moderately_active", "very_active", "extra_active"];

    /// <summary>docs/contract.md §3: necessity is bmr times these.</summary>
    private static readonly Dictionary<string, double> s_activityFactors = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sedentary"] = 1.2, ["lightly_active"] = 1.375, ["moderately_active"] = 1.55, ["very_active"] = 1.725, ["extra_active"] = 1.9,
    };

    private static readonly string[] s_bmrFields = ["weight", "height", "age", "activity"];

    /// <summary>The fields bmr-grpc names when only their combination is refused: a negative BMR.</summary>
    private static readonly string[] s_negativeBmrFields = ["weight", "height", "age"];
    private static readonly string[] s_imcClasses = ["underweight", "healthy", "overweight", "obese"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Mostly near the bounds, and every kind of extreme: NaN, infinities, subnormals, ±1e308, -0.0.</summary>
    private static readonly Gen<double> s_doubles = Gen.Frequency(
        (4, Gen.Double[-1, 800]),
        (2, Gen.Double),
        (1, Gen.Double.Special),
        (3, Gen.OneOf(
            double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon,
            double.MaxValue, double.MinValue, 1e308, -1e308, 1.5e308, 1e19, 1e-160, 1e-200, 0.0, -0.0,
            1, 700, 0.3, 3, 150, Math.BitDecrement(1.0), Math.BitIncrement(700.0), Math.BitDecrement(0.3), Math.BitIncrement(3.0),
            0.9, 2.5, 1.77, 90)));

    private static readonly Gen<double> s_heights = Gen.Frequency((3, Gen.Double[0, 4]), (2, s_doubles));

    private static readonly Gen<long> s_ages = Gen.Frequency(
        (4, Gen.Long[-5, 160]),
        (1, Gen.Long),
        (1, Gen.OneOf(long.MinValue, long.MaxValue, -1000L, -1L, 0L, 150L, 151L)));

    /// <summary>Known activities in any case, and strings that are random, control characters, long or huge.</summary>
    private static readonly Gen<string> s_strings = Gen.Frequency(
        (6, Gen.OneOf(s_activities).SelectMany(activity => Gen.Bool.Array[activity.Length].Select(upper =>
            string.Concat(activity.Select((c, i) => upper[i] ? char.ToUpperInvariant(c) : c))))),
        (2, Gen.String),
        (1, Gen.Char['\u0000', '\u00ff'].Array[95, 105].Select(chars => new string(chars))),
        (1, Gen.Char['a', 'z'].Array[20_000].Select(chars => new string(chars))),
        (1, Gen.OneOf("", " ", "M", "m", "F", "f", "X", "sedentary\0", "very active", "é", "😀", "\u202Esedentary")));

    /// <summary>docs/contract.md §3, worked values of bmr-grpc, as written there.</summary>
    [Theory]
    [InlineData("M", 90, 1.77, 26, "very_active", 2011.7, 3470.1825000000003)]
    [InlineData("M", 90, 1.77, 0, "sedentary", 2188.5, 2626.2)]
    [InlineData("M", 90, 1.77, 0, "lightly_active", 2188.5, 3009.1875)]
    [InlineData("M", 90, 1.77, 0, "moderately_active", 2188.5, 3392.175)]
    [InlineData("M", 90, 1.77, 0, "very_active", 2188.5, 3775.1625000000004)]
    [InlineData("M", 90, 1.77, 0, "extra_active", 2188.5, 4158.15)]
    [InlineData("m", 80, 1.8, 40, "sedentary", 1794, 2152.7999999999997)]
    [InlineData("M", 700, 3, 0, "extra_active", 11191, 21262.899999999998)]
    [InlineData("M", 1, 0.3, 33, "sedentary", 5.349999999999994, 6.419999999999993)]
    [InlineData("F", 90, 1.77, 0, "sedentary", 1834, 2200.7999999999997)]
    [InlineData("f", 60, 1.65, 35, "MODERATELY_ACTIVE", 1361.1, 2109.705)]
    [InlineData("X", 90, 1.77, 0, "very_active", 1834, 3163.65)]
    [InlineData("F", 1, 0.3, 150, "sedentary", 13.559999999999945, 16.271999999999935)]
    [InlineData("F", 700, 3, 0, "extra_active", 7887, 14985.3)]
    public async Task BmrAnswersTheContractsWorkedValues(string gender, double weight, double height, long age, string activity, double bmr, double necessity)
    {
        await using var service = HostedGrpcService.Start(ResourceNames.BmrGrpc);

        var response = await new BMRService.BMRServiceClient(service.Channel).SayHelloAsync(
            new() { Gender = gender, Weight = weight, Height = height, Age = age, Activity = activity }, cancellationToken: Cancellation);

        Assert.Equal((bmr, necessity), (response.Bmr, response.Necessity));
    }

    /// <summary>docs/contract.md §3, the worked values whose BMR is negative.</summary>
    [Theory]
    [InlineData(1, 0.3, 34)]
    [InlineData(1, 1, 150)]
    public async Task BmrRefusesTheContractsNegativeWorkedValuesNamingTheCombination(double weight, double height, long age)
    {
        await using var service = HostedGrpcService.Start(ResourceNames.BmrGrpc);

        var error = await Assert.ThrowsAsync<RpcException>(() => new BMRService.BMRServiceClient(service.Channel).SayHelloAsync(
            new() { Gender = "M", Weight = weight, Height = height, Age = age, Activity = "sedentary" }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(s_negativeBmrFields, FieldViolations.Read(error));
    }

    /// <summary>
    /// Every generated message is answered or refused as the contract says, and each answer moves with one changed
    /// input as the contract's rules make it move: more weight or height, more BMR; more age, less (or a refusal);
    /// the gender and the activity count by their meaning, not their spelling.
    /// </summary>
    [Fact]
    public async Task EveryBmrMessageIsAnsweredByTheContractsRulesOrRefused()
    {
        await using var service = HostedGrpcService.Start(ResourceNames.BmrGrpc);
        var client = new BMRService.BMRServiceClient(service.Channel);
        // Both formulas often, and any other string as a gender too.
        var genders = Gen.Frequency((3, Gen.OneOf("M", "m")), (2, Gen.OneOf("F", "f")), (2, s_strings));
        var messages = Gen.Select(genders, s_doubles, s_heights, s_ages, s_strings,
            (gender, weight, height, age, activity) => new Contracts.Bmr.Message { Gender = gender, Weight = weight, Height = height, Age = age, Activity = activity });

        await Gen.Select(messages, Gen.Enum<BmrChange>()).SampleAsync(async (generated, change) =>
        {
            var request = Received(generated);
            var inBounds = InBounds(request.Weight, request.Height) && request.Age is >= 0 and <= 150 && s_activityFactors.ContainsKey(request.Activity);
            var (answer, refusal) = await CallBmrAsync(client, request);
            if (refusal is not null)
            {
                AssertRefusal(refusal, s_bmrFields);
                if (inBounds)
                {
                    // Within every field's bounds only a negative BMR is refused, which only the male formula reaches.
                    Assert.Equal(s_negativeBmrFields, FieldViolations.Read(refusal));
                    Assert.Equal("M", request.Gender, ignoreCase: true);
                }

                return;
            }

            Assert.True(inBounds, "Answered OK although the input is out of bounds.");
            Assert.True(double.IsFinite(answer!.Bmr) && !double.IsNegative(answer.Bmr), $"bmr {answer.Bmr}");
            Assert.Equal(answer.Bmr * s_activityFactors[request.Activity], answer.Necessity);
            await AssertMovesAsTheRulesSayAsync(client, request, answer, change);
        }, iter: Iterations, print: sample => $"{Truncated(sample.Item1?.ToString())}, {sample.Item2}");

        Assert.DoesNotContain(service.Host.Logs, log => log.Level >= LogLevel.Error);
    }

    /// <summary>The one input a sample of <see cref="EveryBmrMessageIsAnsweredByTheContractsRulesOrRefused"/> changes.</summary>
    public enum BmrChange
    {
        Heavier,
        Taller,
        Older,
        GenderSpelledOtherwise,
        ActivitySpelledOtherwise,
    }

    private static async Task AssertMovesAsTheRulesSayAsync(
        BMRService.BMRServiceClient client, Contracts.Bmr.Message request, Contracts.Bmr.Response answer, BmrChange change)
    {
        var changed = request.Clone();
        switch (change)
        {
            case BmrChange.Heavier when request.Weight + 1 <= 700:
                changed.Weight = request.Weight + 1;
                Assert.True((await CallBmrAsync(client, changed)).Answer?.Bmr > answer.Bmr, $"{changed} is not answered with a BMR over {answer.Bmr}");
                break;
            case BmrChange.Taller when request.Height + 0.01 <= 3:
                changed.Height = request.Height + 0.01;
                Assert.True((await CallBmrAsync(client, changed)).Answer?.Bmr > answer.Bmr, $"{changed} is not answered with a BMR over {answer.Bmr}");
                break;
            case BmrChange.Older when request.Age < 150:
                changed.Age = request.Age + 1;
                var (older, refusal) = await CallBmrAsync(client, changed);
                Assert.True(older?.Bmr < answer.Bmr || (refusal is not null && FieldViolations.Read(refusal).SequenceEqual(s_negativeBmrFields)),
                    $"{changed} is answered {older?.ToString() ?? refusal?.Status.Detail}, not with a BMR under {answer.Bmr}");
                break;
            case BmrChange.GenderSpelledOtherwise:
                // M in any case is the male formula, and every other gender the female one.
                changed.Gender = request.Gender.Equals("M", StringComparison.OrdinalIgnoreCase)
                    ? (request.Gender == "M" ? "m" : "M")
                    : (request.Gender == "F" ? "anything else" : "F");
                Assert.Equal(answer, (await CallBmrAsync(client, changed)).Answer);
                break;
            case BmrChange.ActivitySpelledOtherwise:
                var activity = s_activities.Single(name => name.Equals(request.Activity, StringComparison.OrdinalIgnoreCase));
                changed.Activity = request.Activity == activity ? activity.ToUpperInvariant() : activity;
                Assert.Equal(answer, (await CallBmrAsync(client, changed)).Answer);
                break;
        }
    }

    private static async Task<(Contracts.Bmr.Response? Answer, RpcException? Refusal)> CallBmrAsync(
        BMRService.BMRServiceClient client, Contracts.Bmr.Message request)
    {
        try
        {
            return (await client.SayHelloAsync(request, cancellationToken: Cancellation), null);
        }
        catch (RpcException error)
        {
            return (null, error);
        }
    }

    [Fact]
    public Task EveryImcMessageIsAnsweredExactlyOrRefused() => SampleAsync(ResourceNames.ImcGrpc,
        Gen.Select(s_doubles, s_heights, (weight, height) => new Contracts.Imc.Message { Weight = weight, Height = height }),
        ["weight", "height"],
        request => InBounds(request.Weight, request.Height),
        async (channel, request) =>
        {
            var response = await new IMCService.IMCServiceClient(channel).SayHelloAsync(request, cancellationToken: Cancellation);
            Assert.Equal(request.Weight / (request.Height * request.Height), response.Imc);
            Assert.Contains(response.Class, s_imcClasses);
            return [response.Imc];
        });

    [Fact]
    public Task EveryWaterMessageIsAnsweredExactlyOrRefused() => SampleAsync(ResourceNames.WaterGrpc,
        Gen.Select(s_doubles, s_heights, (weight, height) => new Contracts.Water.Message { Weight = weight, Height = height }),
        ["weight", "height"],
        request => InBounds(request.Weight, request.Height),
        async (channel, request) =>
        {
            var response = await new WaterService.WaterServiceClient(channel).SayHelloAsync(request, cancellationToken: Cancellation);
            Assert.Equal((request.Weight * 35, "ml"), (response.Value, response.Unit));
            return [response.Value];
        });

    [Fact]
    public Task EveryProteinsMessageIsAnsweredExactlyOrRefused() => SampleAsync(ResourceNames.ProteinsGrpc,
        Gen.Select(s_doubles, s_doubles, (weight, necessity) => new Contracts.Proteins.Message { Weight = weight, NecessityCaloric = necessity }),
        ["weight"],
        request => request.Weight is >= 1 and <= 700,
        async (channel, request) =>
        {
            var response = await new ProteinsService.ProteinsServiceClient(channel).SayHelloAsync(request, cancellationToken: Cancellation);
            Assert.Equal(((long)Math.Truncate(request.Weight) * 2, "g"), (response.Value, response.Unit));
            return [response.Value];
        });

    [Fact]
    public Task EveryCaloriesMessageIsAnsweredExactlyOrRefused() => SampleAsync(ResourceNames.CaloriesGrpc,
        s_doubles.Select(necessity => new Contracts.Calories.Message { Necessity = necessity }),
        ["necessity"],
        request => IsNecessity(request.Necessity),
        async (channel, request) =>
        {
            var response = await new CaloriesService.CaloriesServiceClient(channel).SayHelloAsync(request, cancellationToken: Cancellation);
            Assert.Equal((request.Necessity * 0.90, request.Necessity, request.Necessity * 1.30), (response.Loss, response.Maintain, response.Gain));
            return [response.Loss, response.Maintain, response.Gain];
        });

    [Fact]
    public Task EveryRecommendationsMessageIsAnsweredExactlyOrRefused() => SampleAsync(ResourceNames.RecommendationsGrpc,
        Gen.Select(s_doubles, s_heights, s_doubles, (weight, height, calories) => new Contracts.Recommendations.Message { Weight = weight, Height = height, Calories = calories }),
        ["weight", "height", "calories"],
        request => InBounds(request.Weight, request.Height) && IsNecessity(request.Calories),
        async (channel, request) =>
        {
            var response = await new RecomendationsService.RecomendationsServiceClient(channel).SayHelloAsync(request, cancellationToken: Cancellation);
            Assert.Equal((request.Weight * 35, (long)Math.Truncate(request.Weight) * 2), (response.WaterValue, response.ProteinsValue));
            Assert.Equal((request.Calories * 0.90, request.Calories, request.Calories * 1.30),
                (response.CaloriesToLoss, response.CaloriesToMaintein, response.CaloriesToGain));
            return [response.WaterValue, response.ProteinsValue, response.CaloriesToLoss, response.CaloriesToMaintein, response.CaloriesToGain];
        });

    /// <summary>
    /// Random bytes as the request, which a C# client cannot produce from a message: invalid protobuf, invalid UTF-8,
    /// -0.0 and values no generator above thought of. OK with every number finite and non-negative, or INVALID_ARGUMENT.
    /// </summary>
    [Theory]
    [MemberData(nameof(HostedGrpcService.Resources), MemberType = typeof(HostedGrpcService))]
    public async Task ArbitraryBytesAreAnsweredWithFiniteNumbersOrRefused(string resource)
    {
        await using var service = HostedGrpcService.Start(resource);
        var responseParser = service.Descriptor.Methods.Single().OutputType.Parser;
        var payloads = Gen.Frequency(
            (3, Gen.Byte.Array[0, 40]),
            (2, Gen.Select(Gen.Int[1, 5], Gen.Byte.Array[8], (field, value) => (byte[])[(byte)((field << 3) | 1), .. value])),
            (1, Gen.Select(Gen.Int[1, 5], Gen.Byte.Array[0, 12], (field, value) => (byte[])[(byte)((field << 3) | 2), (byte)value.Length, .. value])));

        await payloads.SampleAsync(async payload =>
        {
            try
            {
                var answer = responseParser.ParseFrom(await service.CallRawAsync(payload, Cancellation));
                AssertFiniteAndNonNegative(answer);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.InvalidArgument)
            {
                Assert.InRange(error.Status.Detail.Length, 1, MaxDetailLength);
            }
        }, iter: Iterations, print: Convert.ToHexString);

        Assert.DoesNotContain(service.Host.Logs, log => log.Level >= LogLevel.Error);
    }

    private static bool InBounds(double weight, double height) => weight is >= 1 and <= 700 && height is >= 0.3 and <= 3;

    private static bool IsNecessity(double necessity) => necessity is >= 0 and <= 1e308 && !double.IsNegative(necessity);

    /// <summary>
    /// Calls the service with every generated message: a valid one must be answered by <paramref name="callAndCheck"/>'s
    /// exact numbers, all finite and non-negative; an invalid one must be INVALID_ARGUMENT naming one of
    /// <paramref name="fields"/> in a short message.
    /// </summary>
    private static async Task SampleAsync<TMessage>(
        string resource, Gen<TMessage> messages, string[] fields, Func<TMessage, bool> isValid,
        Func<GrpcChannel, TMessage, Task<double[]>> callAndCheck) where TMessage : IMessage
    {
        await using var service = HostedGrpcService.Start(resource);

        await messages.SampleAsync(async generated =>
        {
            var message = Received(generated);
            try
            {
                var numbers = await callAndCheck(service.Channel, message);
                Assert.True(isValid(message), "Answered OK although the input is out of bounds.");
                Assert.All(numbers, number => Assert.True(double.IsFinite(number) && !double.IsNegative(number), $"{number} is not a finite non-negative number."));
            }
            catch (RpcException error)
            {
                Assert.False(isValid(message), $"Refused although the input is within bounds: {error.Status.Detail}");
                AssertRefusal(error, fields);
            }
        }, iter: Iterations, print: message => Truncated(message?.ToString()));

        Assert.DoesNotContain(service.Host.Logs, log => log.Level >= LogLevel.Error);
    }

    /// <summary>What the service receives: proto3 leaves out a field equal to 0, so a generated -0.0 arrives as 0.</summary>
    private static TMessage Received<TMessage>(TMessage generated) where TMessage : IMessage =>
        (TMessage)generated.Descriptor.Parser.ParseFrom(generated.ToByteArray());

    /// <summary>INVALID_ARGUMENT with a short message that starts with one of <paramref name="fields"/>.</summary>
    private static void AssertRefusal(RpcException error, string[] fields)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.InRange(error.Status.Detail.Length, 1, MaxDetailLength);
        Assert.Contains(fields, field => error.Status.Detail.StartsWith(field, StringComparison.Ordinal));
    }

    private static void AssertFiniteAndNonNegative(IMessage answer)
    {
        foreach (var field in answer.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(answer);
            switch (field.FieldType)
            {
                case FieldType.Double:
                    Assert.True(double.IsFinite((double)value) && !double.IsNegative((double)value), $"{field.Name} = {value} in {answer}");
                    break;
                case FieldType.Int64:
                    Assert.True((long)value >= 0, $"{field.Name} = {value} in {answer}");
                    break;
            }
        }
    }

    private static string Truncated(string? text) => text is { Length: > 300 } ? $"{text[..300]}… ({text.Length} characters)" : text ?? "";
}
