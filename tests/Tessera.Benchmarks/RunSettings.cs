using System;

namespace Tessera.Benchmarks;

/// <summary>How long each phase runs. <c>--quick</c> shrinks everything to a smoke test of the whole suite.</summary>
/// <param name="Warmup">Per workload, once, before the first round.</param>
/// <param name="Window">Throughput is the median of the calls/s of these windows.</param>
/// <param name="WindowsPerRound">Measured windows per workload per round, after one ramp-up window that is not counted.</param>
/// <param name="Rounds">The workloads take turns this many times, so load from elsewhere lands on all of them alike.</param>
/// <param name="LocalCalls">Calls per timed loop for the in-process [Cached] call.</param>
internal sealed record RunSettings(string Name, TimeSpan Warmup, TimeSpan Window, int WindowsPerRound, int Rounds, int LocalCalls)
{
    public const int Callers = 64;
    public const int ShallowDepth = 64;
    public const int DeepDepth = 1024;
    public const int KiB = 1024;

    public static RunSettings Full { get; } = new("full", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(250), 4, 4, 5_000_000);

    public static RunSettings Quick { get; } = new("quick", TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(50), 2, 2, 500_000);

    /// <summary>No phase may hang the run: a lost reply fails it instead of stalling it.</summary>
    public static TimeSpan PhaseTimeout { get; } = TimeSpan.FromSeconds(60);

    public TimeSpan MeasuredPerRound => Window * WindowsPerRound;
}
