using System.Diagnostics;

namespace Tessera.FaultInjection;

/// <summary>The faults in force on a relay, which every pump obeys before it forwards a chunk.</summary>
internal sealed class FaultControls
{
    private readonly object _lock = new();
    private TaskCompletionSource _forwarding = Opened();
    private long _delayTicks;

    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    public bool IsBlackholed
    {
        get
        {
            lock (_lock) return !_forwarding.Task.IsCompleted;
        }
    }

    public void Blackhole()
    {
        lock (_lock)
        {
            if (_forwarding.Task.IsCompleted) _forwarding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Restore()
    {
        lock (_lock) _forwarding.TrySetResult();
    }

    /// <summary>Completes when no blackhole is in force.</summary>
    public Task WhenForwardingAsync(CancellationToken cancellation)
    {
        lock (_lock) return _forwarding.Task.WaitAsync(cancellation);
    }

    /// <summary>Completes when a chunk taken in at <paramref name="receivedAt"/> may go out: no blackhole, and its delay served.</summary>
    /// <remarks>
    /// The delay is measured from arrival, so chunks queued behind one another wait in parallel rather than adding up,
    /// and one writer per direction keeps them in order. A chunk cleared just before a blackhole still goes out, as a
    /// packet already on the wire would.
    /// </remarks>
    public async Task WhenDueAsync(long receivedAt, CancellationToken cancellation)
    {
        while (true)
        {
            await WhenForwardingAsync(cancellation).ConfigureAwait(false);
            var remaining = Delay - Stopwatch.GetElapsedTime(receivedAt);
            if (remaining <= TimeSpan.Zero)
            {
                if (!IsBlackholed) return;
                continue;
            }
            // Whole milliseconds, rounded up: a shorter wait truncates to zero and would spin.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)), cancellation).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource Opened()
    {
        var opened = new TaskCompletionSource();
        opened.SetResult();
        return opened;
    }
}
