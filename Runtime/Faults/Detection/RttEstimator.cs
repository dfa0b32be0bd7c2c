using System;
using System.Threading;

namespace Tessera.FailureDetection;

/// <summary>
/// Smoothed round-trip time and its mean deviation, as TCP and Mozart 1.4 keep them (gains 1/8 and 1/4).
/// The bound, avg + max(mdev, avg), is Mozart's: twice the average on a steady link, more on a jittery one.
/// </summary>
internal sealed class RttEstimator
{
    private readonly Lock _gate = new();
    private double _average;
    private double _deviation;
    private bool _sampled;

    public TimeSpan Average
    {
        get
        {
            lock (_gate) return TimeSpan.FromTicks((long)_average);
        }
    }

    /// <summary>Zero until the first sample.</summary>
    public TimeSpan Bound
    {
        get
        {
            lock (_gate) return TimeSpan.FromTicks((long)(_average + Math.Max(_deviation, _average)));
        }
    }

    public void Add(TimeSpan sample)
    {
        if (sample < TimeSpan.Zero) return;
        double ticks = sample.Ticks;
        lock (_gate)
        {
            if (!_sampled)
            {
                _average = ticks;
                _deviation = ticks / 2;
                _sampled = true;
                return;
            }
            var error = ticks - _average;
            _average += error / 8;
            _deviation += (Math.Abs(error) - _deviation) / 4;
        }
    }
}
