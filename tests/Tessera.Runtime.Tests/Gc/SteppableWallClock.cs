namespace Tessera.Runtime.Tests.Gc;

/// <summary>
/// A site's clock whose wall time can be stepped, as NTP, an operator or a resumed VM steps it, while its
/// monotonic stamps and its timers run on <paramref name="inner"/>.
/// </summary>
internal sealed class SteppableWallClock(TimeProvider inner) : TimeProvider
{
    public TimeSpan Step { get; set; }

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Step;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => inner.CreateTimer(callback, state, dueTime, period);
}
