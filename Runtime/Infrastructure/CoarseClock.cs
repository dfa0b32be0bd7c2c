using System;

namespace Tessera.Infrastructure;

/// <summary>
/// A clock for stamps taken on every message, where a few milliseconds of error do not matter (call
/// deadlines of seconds, link silences of a heartbeat or more) but the cost of the read does: the precise
/// clock costs about 25 ns a read on the benchmark VM, and an [Async] call took four such stamps, about 4 %
/// of its CPU in a profile. On the system clock it reads the kernel's coarse tick
/// (<see cref="Environment.TickCount64"/>, a few ms of resolution); on any other <see cref="TimeProvider"/>
/// (simulation, tests with virtual time) it reads that provider, so virtual time still drives everything.
/// Stamps are in this clock's own units: compare them only with stamps of the same clock.
/// </summary>
internal readonly struct CoarseClock
{
    private readonly TimeProvider? _virtual;

    public CoarseClock(TimeProvider time) => _virtual = ReferenceEquals(time, TimeProvider.System) ? null : time;

    public long Now => _virtual?.GetTimestamp() ?? Environment.TickCount64;

    /// <summary>Stamps per second.</summary>
    public long Frequency => _virtual?.TimestampFrequency ?? 1000;

    public TimeSpan Since(long stamp) => TimeSpan.FromSeconds((double)(Now - stamp) / Frequency);

    /// <summary>The time left until <paramref name="stamp"/>; zero once it has passed.</summary>
    public TimeSpan Until(long stamp)
    {
        var left = stamp - Now;
        return left > 0 ? TimeSpan.FromSeconds((double)left / Frequency) : TimeSpan.Zero;
    }

    public long StampsIn(TimeSpan span) => (long)(span.TotalSeconds * Frequency);
}
