using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NutritionAspire.Tests;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace NutritionAspire.Services.Tests;

/// <summary>Run alone: another test's activity listener, recording every request, would record these too.</summary>
[CollectionDefinition(nameof(TraceSamplingTests), DisableParallelization = true)]
public sealed class TraceSamplingRunsAlone;

/// <summary>
/// The services trace as OpenTelemetry's standard sampler variables say (<see cref="TraceSampling"/>), which the cluster
/// sets: at the cluster's setting with a ratio of 0, health-api records a request only when its caller traced it.
/// </summary>
[Collection(nameof(TraceSamplingTests))]
public sealed class TraceSamplingTests : IAsyncLifetime
{
    private FakeBackends _backends = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _backends = await FakeBackends.StartAsync(Cancellation);

    public ValueTask DisposeAsync() => _backends.DisposeAsync();

    [Theory]
    [InlineData("0", null, false)]
    [InlineData("0", "01", true)]
    [InlineData("1", null, true)]
    [InlineData("1", "00", false)]
    public async Task HealthApiRecordsARequestAsTheRatioAndItsCallerDecide(string ratio, string? callerFlags, bool recorded)
    {
        await using var api = new HealthApiFactory(_backends, new Dictionary<string, string?>
        {
            [TraceSampling.SamplerVariable] = TraceSampling.ParentBasedRatio,
            [TraceSampling.RatioVariable] = ratio,
        });
        using var client = api.CreateClient();
        await api.WaitUntilWarmAsync(Cancellation);
        var recordedSpans = new RecordedSpans();
        api.Services.GetRequiredService<TracerProvider>().AddProcessor(recordedSpans);

        // Sees every request span stop, recorded or not, without a say in sampling (None is the weakest answer).
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = activity => { lock (stopped) { stopped.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);

        var callerSpan = ActivitySpanId.CreateRandom();
        using var response = await HealthApiTests.PostAsync(client, WorkedExample.Request,
            callerFlags is null ? null : $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{callerSpan.ToHexString()}-{callerFlags}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // health-api's span for this request: the root of its trace, or the child of the caller's span. (The fake
        // dependencies' server spans in this process are children of health-api's client spans.)
        var span = await Eventually.ReturnsAsync(_ =>
            {
                lock (stopped)
                {
                    return Task.FromResult(stopped.SingleOrDefault(activity => activity.OperationName == RequestSpan
                        && activity.ParentSpanId == (callerFlags is null ? default : callerSpan)));
                }
            },
            TimeSpan.FromSeconds(10), () => "health-api's request span did not stop", Cancellation, TimeSpan.FromMilliseconds(10));
        Assert.Equal(recorded, recordedSpans.Contains(span));
    }

    private const string RequestSpan = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    /// <summary>The spans the tracer provider recorded (a processor sees only those).</summary>
    private sealed class RecordedSpans : BaseProcessor<Activity>
    {
        private readonly HashSet<Activity> _spans = [];

        public bool Contains(Activity span)
        {
            lock (_spans)
            {
                return _spans.Contains(span);
            }
        }

        public override void OnEnd(Activity data)
        {
            lock (_spans)
            {
                _spans.Add(data);
            }
        }
    }
}
