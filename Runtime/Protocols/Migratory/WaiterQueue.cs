using System;
using System.Collections.Generic;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// The calls waiting here for a <c>[Cached]</c> object, in arrival order, with the batch rule: while another
/// site waits for the state, only the calls queued when the state arrived may still run. Not thread-safe:
/// the owning <see cref="MigratoryProxy"/> guards it with its lock.
/// </summary>
internal sealed class WaiterQueue
{
    private readonly LinkedList<Waiter> _waiters = new();
    private int _batch;

    public int Count => _waiters.Count;

    public void Add(Waiter waiter) => _waiters.AddLast(waiter.Node);

    /// <summary>The state arrived: the calls queued now form the batch that runs before it moves on.</summary>
    public void StartBatch() => _batch = _waiters.Count;

    /// <param name="othersWait">Whether another site waits for the state, which limits the turn to the batch.</param>
    public Waiter? TakeNext(bool othersWait)
    {
        if (_waiters.First is not { } first) return null;
        if (othersWait && _batch <= 0) return null;
        _waiters.RemoveFirst();
        if (_batch > 0) _batch--;
        return first.Value;
    }

    public void Remove(Waiter waiter)
    {
        if (waiter.Node.List is null) return;
        _waiters.Remove(waiter.Node);
        _batch = Math.Min(_batch, _waiters.Count);
    }

    public List<Waiter> Drain()
    {
        var drained = new List<Waiter>(_waiters);
        _waiters.Clear();
        _batch = 0;
        return drained;
    }
}
