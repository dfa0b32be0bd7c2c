using System.Diagnostics;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// What a run saw, one short line per event, stamped in ms from the start of the faulty phase. Printed only
/// when the run fails, next to its plan, so the line order is the order things were observed.
/// </summary>
internal sealed class EventLog
{
    private readonly List<string> _lines = new();
    private readonly Stopwatch _clock = new();
    private long _startedAt;

    public int NowMs => (int)_clock.ElapsedMilliseconds;

    public void Start()
    {
        _startedAt = Stopwatch.GetTimestamp();
        _clock.Start();
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp of a moment on the run's clock.</summary>
    public long TimestampAt(int ms) => _startedAt + ms * Stopwatch.Frequency / 1000;

    public void Add(string line)
    {
        var stamped = $"{NowMs,6} {line}";
        lock (_lines) _lines.Add(stamped);
    }

    /// <summary>Waits until <paramref name="atMs"/> on the run's clock (at once if it has passed).</summary>
    public Task UntilAsync(int atMs)
    {
        var wait = atMs - NowMs;
        return wait > 0 ? Task.Delay(wait) : Task.CompletedTask;
    }

    public override string ToString()
    {
        lock (_lines) return string.Join(Environment.NewLine, _lines);
    }
}
