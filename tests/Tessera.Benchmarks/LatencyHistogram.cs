using System;
using System.Diagnostics;
using System.Numerics;
using System.Threading;

namespace Tessera.Benchmarks;

/// <summary>
/// Call latencies in logarithmic buckets (64 per power of two, so within 1.6%), filled lock-free by any number
/// of callers. A fixed array rather than a list of samples, so recording allocates nothing during a phase and
/// every call counts, not only the first few thousand.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 6;
    private const int SubBuckets = 1 << SubBits;
    private readonly long[] _counts = new long[64 * SubBuckets];
    private long _total;

    public long Count => Interlocked.Read(ref _total);

    public void Record(long stopwatchTicks)
    {
        Interlocked.Increment(ref _counts[Bucket(Math.Max(1, stopwatchTicks))]);
        Interlocked.Increment(ref _total);
    }

    /// <summary>The latency below which the given fraction of calls fell, in microseconds; null with no calls.</summary>
    public double? PercentileMicros(double fraction)
    {
        var total = Count;
        if (total == 0) return null;
        var rank = (long)Math.Ceiling(fraction * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Midpoint(i) * 1_000_000.0 / Stopwatch.Frequency;
        }
        throw new InvalidOperationException("The histogram's buckets do not add up to its count.");
    }

    private static int Bucket(long value)
    {
        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)value);
        if (exponent < SubBits) return (int)value;
        var mantissa = (int)(value >> (exponent - SubBits)) & (SubBuckets - 1);
        return (exponent - SubBits + 1) * SubBuckets + mantissa;
    }

    private static double Midpoint(int bucket)
    {
        if (bucket < SubBuckets) return bucket;
        var exponent = bucket / SubBuckets - 1 + SubBits;
        var low = (double)(SubBuckets + bucket % SubBuckets) * Math.Pow(2, exponent - SubBits);
        return low + Math.Pow(2, exponent - SubBits) / 2;
    }
}
