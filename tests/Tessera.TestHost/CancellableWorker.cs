using System;
using System.Threading;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.TestHost;

/// <summary>An active object whose one long call ends only when its caller cancels it, and which records the order of numbered calls.</summary>
[Async]
public partial class CancellableWorker
{
    private int _cancelled;
    private int _last = -1;
    private int _outOfOrder;
    private int _recorded;

    /// <summary>Runs until its token is cancelled; while it runs, the object takes no other call.</summary>
    public virtual async Task<int> WaitForCancelAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _cancelled);
            throw;
        }
        return 0;
    }

    /// <summary>How many calls saw their token cancelled here, at home.</summary>
    public virtual int Cancelled() => Volatile.Read(ref _cancelled);

    /// <summary>Counts a numbered call, and whether it came after a higher number; returns how many came so far.</summary>
    public virtual int Record(int sequence)
    {
        if (sequence <= _last) _outOfOrder++;
        _last = sequence;
        return ++_recorded;
    }

    public virtual int OutOfOrder() => _outOfOrder;
}
