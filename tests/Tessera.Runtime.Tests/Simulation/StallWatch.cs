using System.Diagnostics;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Notices when this process could not run: a thread of its own sleeps 10 ms at a time, and any much longer gap
/// means the process was not scheduled, or paused by a garbage collection. A pool timer does the same for the
/// thread pool, whose work waits longer still when the machine is busy with other processes (the simulation
/// itself uses about a third of one core). Such time is not the runtime's to answer for, so a call's deadline is
/// extended by what of it fell inside its lifetime; the summary reports both, so a pool the runtime itself starves
/// would show there.
/// </summary>
internal sealed class StallWatch : IDisposable
{
    private const int TickMs = 10;
    private static readonly long Threshold = Stopwatch.Frequency / 10;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(long From, long To)> _process = new();
    private readonly List<(long From, long To)> _pool = new();
    private readonly ITimer _poolTick;
    private readonly Thread _thread;
    private long _lastPoolTick = Stopwatch.GetTimestamp();

    public StallWatch()
    {
        _thread = new Thread(Watch) { IsBackground = true, Name = "simulation stall watch" };
        _thread.Start();
        _poolTick = TimeProvider.System.CreateTimer(_ => Note(_pool, ref _lastPoolTick), null, TimeSpan.FromMilliseconds(TickMs), TimeSpan.FromMilliseconds(TickMs));
    }

    /// <summary>How long the process was stalled between two <see cref="Stopwatch"/> timestamps.</summary>
    public TimeSpan ProcessStalled(long from, long to) => Overlap(_process, from, to);

    public TimeSpan PoolStalled(long from, long to) => Overlap(_pool, from, to);

    public void Dispose()
    {
        _poolTick.Dispose();
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(1));
        _stop.Dispose();
    }

    private void Watch()
    {
        var last = Stopwatch.GetTimestamp();
        while (!_stop.Token.WaitHandle.WaitOne(TickMs)) Note(_process, ref last);
    }

    private static void Note(List<(long From, long To)> gaps, ref long last)
    {
        var now = Stopwatch.GetTimestamp();
        var previous = Interlocked.Exchange(ref last, now);
        if (now - previous <= Threshold) return;
        lock (gaps) gaps.Add((previous, now));
    }

    private static TimeSpan Overlap(List<(long From, long To)> gaps, long from, long to)
    {
        long ticks;
        lock (gaps) ticks = gaps.Sum(g => Math.Max(0, Math.Min(g.To, to) - Math.Max(g.From, from)));
        return TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
    }
}
