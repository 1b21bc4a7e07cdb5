using System.Diagnostics;

namespace NutritionAspire.LoadTesting;

/// <summary>
/// Latencies in fixed memory, precise to about 3 %: a value is kept as its power of two and its next five bits, so
/// millions of requests cost a few kilobytes and recording is a shift and an increment.
/// </summary>
public sealed class LatencyHistogram
{
    private const int MantissaBits = 5;
    private const int SubBuckets = 1 << MantissaBits;
    private readonly long[] _counts = new long[64 * SubBuckets];

    public long Count { get; private set; }

    /// <summary>Records one latency given in <see cref="Stopwatch"/> ticks.</summary>
    public void Record(long ticks)
    {
        _counts[Index(Math.Max(ticks, 1))]++;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The latency below which <paramref name="percentile"/> % of the recorded ones lie; zero when empty.</summary>
    public TimeSpan Percentile(double percentile)
    {
        if (Count == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (long)Math.Ceiling(Count * percentile / 100.0);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= Math.Max(rank, 1))
            {
                return Stopwatch.GetElapsedTime(0, Midpoint(i));
            }
        }

        return Stopwatch.GetElapsedTime(0, Midpoint(_counts.Length - 1));
    }

    private static int Index(long value)
    {
        var exponent = 63 - (int)long.LeadingZeroCount(value);
        if (exponent < MantissaBits)
        {
            return (int)value;
        }

        var mantissa = (int)(value >> (exponent - MantissaBits)) & (SubBuckets - 1);
        return ((exponent - MantissaBits + 1) * SubBuckets) + mantissa;
    }

    private static long Midpoint(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var exponent = (index / SubBuckets) + MantissaBits - 1;
        var mantissa = index % SubBuckets;
        var low = (SubBuckets + (long)mantissa) << (exponent - MantissaBits);
        var width = 1L << (exponent - MantissaBits);
        return low + (width / 2);
    }
}
