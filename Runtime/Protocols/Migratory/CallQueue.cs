using System.Collections.Generic;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// The calls on a <c>[Cached]</c> object at this site: the one running (and its re-entries) and those waiting,
/// in arrival order, under the batch rule. Not thread-safe: the owning <see cref="MigratoryProxy"/> guards it
/// with its lock, and says whether the state lets a call run.
/// </summary>
internal sealed class CallQueue
{
    private readonly WaiterQueue _waiting = new();
    private readonly RunningCall _running = new();

    public bool IsBusy => _running.IsBusy;

    public int Waiting => _waiting.Count;

    /// <summary>Lets the running call back in at once when it calls its own object.</summary>
    public bool TryReenter() => _running.IsBusy && _running.TryReenter();

    /// <summary>Runs the caller now if the state allows, the object is free and nobody waits before it.</summary>
    public bool TryRun(int thread, object? flow, bool stateAllows)
    {
        if (!stateAllows || _running.IsBusy || _waiting.Count > 0) return false;
        _running.Own(thread, flow);
        return true;
    }

    public Waiter Add(int thread, object? flow, int limit, string objectName)
    {
        if (_waiting.Count >= limit) throw new CallQueueFullException(objectName, limit);
        var waiter = new Waiter(thread, flow);
        _waiting.Add(waiter);
        return waiter;
    }

    /// <summary>
    /// The next waiting call, made the running one, if the state allows it to run now; while another site waits
    /// for the state (<paramref name="othersWait"/>), only a call of the batch may still run.
    /// </summary>
    public Waiter? Grant(bool stateAllows, bool othersWait)
    {
        if (!stateAllows || _running.IsBusy || _waiting.TakeNext(othersWait) is not { } waiter) return null;
        _running.Own(waiter.Thread, waiter.Flow);
        waiter.Granted = true;
        return waiter;
    }

    /// <returns>True when the outermost running call ended and the object is free.</returns>
    public bool Leave() => _running.Leave();

    /// <returns>Whether its turn had come meanwhile, so it holds the object.</returns>
    public bool Withdraw(Waiter waiter)
    {
        _waiting.Remove(waiter);
        return waiter.Granted;
    }

    /// <summary>The state arrived: the calls waiting now form the batch that runs before it moves on.</summary>
    public void StartBatch() => _waiting.StartBatch();

    public List<Waiter> Drain() => _waiting.Drain();
}
