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

namespace NutritionAspire.Services.Tests;

/// <summary>
/// Thousands of generated messages, extreme doubles and odd strings included, against each gRPC service: the answer is
/// OK with the contract's finite, non-negative numbers exactly when the input is within the bounds restated here, and
/// otherwise INVALID_ARGUMENT with a short message naming a field; never another status, never an error log.
/// </summary>
public sealed class GrpcServicePropertyTests
{
    private const int Iterations = 2_000;

    /// <summary>Field names, the rule, the bounds and a quote of at most 100 characters fit well within this.</summary>
    private const int MaxDetailLength = 400;

    private static readonly string[] s_activities = ["sedentary", "lightly_active", "moderately_active", "very_active", "extra_active"];
    private static readonly double[] s_activityFactors = [1.2, 1.375, 1.55, 1.725, 1.9];
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

    [Fact]
    public Task EveryBmrMessageIsAnsweredExactlyOrRefused() => SampleAsync(ResourceNames.BmrGrpc,
        Gen.Select(s_strings, s_doubles, s_heights, s_ages, s_strings,
            (gender, weight, height, age, activity) => new Contracts.Bmr.Message { Gender = gender, Weight = weight, Height = height, Age = age, Activity = activity }),
        ["weight", "height", "age", "activity"],
        request => InBounds(request.Weight, request.Height) && request.Age is >= 0 and <= 150
            && s_activities.Contains(request.Activity, StringComparer.OrdinalIgnoreCase) && Bmr(request) >= 0,
        async (channel, request) =>
        {
            var response = await new BMRService.BMRServiceClient(channel).SayHelloAsync(request, cancellationToken: Cancellation);
            var factor = s_activityFactors[Array.FindIndex(s_activities, a => a.Equals(request.Activity, StringComparison.OrdinalIgnoreCase))];
            Assert.Equal((Bmr(request), Bmr(request) * factor), (response.Bmr, response.Necessity));
            return [response.Bmr, response.Necessity];
        });

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

    private static double Bmr(Contracts.Bmr.Message request) => request.Gender.Equals("M", StringComparison.OrdinalIgnoreCase)
        ? 66 + (13.75 * request.Weight) + (5.0 * (request.Height * 100)) - (6.8 * request.Age)
        : 655 + (9.56 * request.Weight) + (1.8 * (request.Height * 100)) - (4.7 * request.Age);

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
            // What the service receives: proto3 leaves out a field equal to 0, so a generated -0.0 arrives as 0.
            var message = (TMessage)generated.Descriptor.Parser.ParseFrom(generated.ToByteArray());
            try
            {
                var numbers = await callAndCheck(service.Channel, message);
                Assert.True(isValid(message), "Answered OK although the input is out of bounds.");
                Assert.All(numbers, number => Assert.True(double.IsFinite(number) && !double.IsNegative(number), $"{number} is not a finite non-negative number."));
            }
            catch (RpcException error)
            {
                Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
                Assert.False(isValid(message), $"Refused although the input is within bounds: {error.Status.Detail}");
                Assert.InRange(error.Status.Detail.Length, 1, MaxDetailLength);
                Assert.Contains(fields, field => error.Status.Detail.StartsWith(field, StringComparison.Ordinal));
            }
        }, iter: Iterations, print: message => Truncated(message?.ToString()));

        Assert.DoesNotContain(service.Host.Logs, log => log.Level >= LogLevel.Error);
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
