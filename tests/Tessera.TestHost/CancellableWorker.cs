using System;
using System.Threading;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.TestHost;

/// <summary>An active object whose one long call ends only when its caller cancels it.</summary>
[Async]
public partial class CancellableWorker
{
    private int _cancelled;

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
}
