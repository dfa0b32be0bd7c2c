using System;
using System.Threading;
using Tessera.Infrastructure;

namespace Tessera.FailureDetection;

/// <summary>
/// One connection's liveness: when it last carried a frame each way, and its round-trip time. The reader
/// loop and senders stamp it; the failure detector's sweep reads it.
/// </summary>
internal sealed class LinkMonitor
{
    // Coarse: every frame each way is stamped, and a silence is judged in heartbeat intervals.
    private readonly CoarseClock _clock;
    private long _lastReceived;
    private long _lastSent;
    private int _silent;
    private long _lastEchoed;

    public LinkMonitor(TimeProvider time)
    {
        _clock = new CoarseClock(time);
        var now = _clock.Now;
        _lastReceived = now;
        _lastSent = now;
    }

    public RttEstimator Rtt { get; } = new();

    /// <summary>
    /// When the newest heartbeat the peer echoed was sent (0: none yet). Frames leave in order, so the peer
    /// had read every frame sent before that moment: the migratory protocol stops keeping its copies of them.
    /// </summary>
    public long LastEchoed => Volatile.Read(ref _lastEchoed);

    public void OnEchoed(long sentAt)
    {
        var seen = Volatile.Read(ref _lastEchoed);
        while (sentAt > seen)
        {
            var raced = Interlocked.CompareExchange(ref _lastEchoed, sentAt, seen);
            if (raced == seen) return;
            seen = raced;
        }
    }

    /// <summary>Whether the sweep declared this link silent and nothing arrived since.</summary>
    public bool IsSilent => Volatile.Read(ref _silent) != 0;

    /// <returns>True if the link had been declared silent: it has just recovered.</returns>
    public bool OnReceived()
    {
        Volatile.Write(ref _lastReceived, _clock.Now);
        return Volatile.Read(ref _silent) != 0 && Interlocked.Exchange(ref _silent, 0) != 0;
    }

    public void OnSent() => Volatile.Write(ref _lastSent, _clock.Now);

    public bool IsIdle(TimeSpan interval) => _clock.Since(Volatile.Read(ref _lastSent)) >= interval;

    public TimeSpan SinceReceived => _clock.Since(Volatile.Read(ref _lastReceived));

    /// <summary>The silence past which the peer counts as failing: one heartbeat interval plus the round-trip slack.</summary>
    public TimeSpan SilenceBound(FaultOptions options)
    {
        var slack = Rtt.Bound;
        return options.HeartbeatInterval + (slack > options.MinimumSilenceSlack ? slack : options.MinimumSilenceSlack);
    }

    /// <returns>True the first time the silence passes the bound, until something arrives again.</returns>
    public bool TryDeclareSilent(FaultOptions options)
        => SinceReceived > SilenceBound(options) && Interlocked.Exchange(ref _silent, 1) == 0;
}
