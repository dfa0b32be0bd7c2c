using System;
using System.Threading;

namespace Tessera.Protocols.Async;

/// <summary>
/// A bounded number of slots, taken and given back without a lock on the hot path (a call's window
/// slot, a mailbox place). Only a taker that finds none waits, and givers wake waiters in bulk, once an
/// eighth of the slots is free, rather than once per reply: a pipelining caller then fires a burst of
/// calls per wake-up instead of one.
/// </summary>
internal sealed class Slots
{
    // A waiter also looks again this often, so slots freed below the bulk threshold (a slow object,
    // nothing else in flight) are taken within this time rather than when the threshold is reached.
    private static readonly TimeSpan LookAgainEvery = TimeSpan.FromMilliseconds(5);

    private readonly object _gate = new();
    private readonly int _wakeAt;
    private int _free;
    private int _waiters;

    public Slots(int capacity)
    {
        _free = capacity;
        _wakeAt = Math.Max(1, capacity / 8);
    }

    public bool TryTake()
    {
        var free = Volatile.Read(ref _free);
        while (free > 0)
        {
            var seen = Interlocked.CompareExchange(ref _free, free - 1, free);
            if (seen == free) return true;
            free = seen;
        }
        return false;
    }

    /// <summary>Takes a slot, waiting while there is none; false if <paramref name="timeout"/> (on <paramref name="time"/>) passes first.</summary>
    public bool Take(TimeProvider time, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (TryTake()) return true;
        var started = time.GetTimestamp();
        Interlocked.Increment(ref _waiters);
        try
        {
            while (!TryTake())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (timeout != System.Threading.Timeout.InfiniteTimeSpan && time.GetElapsedTime(started) >= timeout) return false;
                // Checked under the gate that Release pulses under, so no wake-up falls between check and wait.
                lock (_gate)
                {
                    if (Volatile.Read(ref _free) < _wakeAt) Monitor.Wait(_gate, LookAgainEvery);
                }
            }
            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }

    public void Release()
    {
        var free = Interlocked.Increment(ref _free);
        if (free < _wakeAt || Volatile.Read(ref _waiters) == 0) return;
        lock (_gate) Monitor.PulseAll(_gate);
    }
}
