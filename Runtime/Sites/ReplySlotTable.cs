using System;
using System.Threading;
using Tessera.Infrastructure;
using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>
/// One connection's requests awaiting a reply, in reusable <see cref="ReplySlot"/>s indexed by id instead of
/// a dictionary (ids by <see cref="SlotId"/>, so a reply to a request that ended is dropped). The reader loop
/// looks replies up without a lock; renting and returning a slot take one briefly.
/// </summary>
/// <remarks>
/// The table grows to the most requests ever in flight at once on its connection; slots past
/// <see cref="MaxKept"/> are dropped when returned rather than kept for reuse.
/// </remarks>
internal sealed class ReplySlotTable
{
    public const int MaxKept = 1024;

    private readonly Lock _gate = new();
    private ReplySlot?[] _slots = new ReplySlot?[4];
    private int[] _free = new int[4];
    private int _freeCount;
    private int _used;
    private long _sequence;

    /// <summary>A slot for a new request, and that request's id (never 0).</summary>
    public PendingRequest Rent(CancellationToken cancellationToken)
    {
        ReplySlot slot;
        long id;
        lock (_gate)
        {
            var index = _freeCount > 0 ? _free[--_freeCount] : NextUnused();
            slot = _slots[index] ??= new ReplySlot(index);
            id = SlotId.Make(++_sequence, index);
        }
        slot.Arm(id, cancellationToken);
        return new PendingRequest(id, slot);
    }

    /// <summary>Ends a request once nobody waits on it; a second return of the same request does nothing.</summary>
    public void Return(PendingRequest request)
    {
        if (request.Slot is not { } slot || !slot.Release(request.Id)) return;
        lock (_gate)
        {
            if (slot.Index >= MaxKept) _slots[slot.Index] = null;
            _free[_freeCount++] = slot.Index;
        }
    }

    /// <summary>Hands a reply to the request it answers; false if that request already ended.</summary>
    public bool TryComplete(long id, RequestReply reply)
    {
        var slots = Volatile.Read(ref _slots);
        var index = SlotId.SlotOf(id);
        return index < (uint)slots.Length && Volatile.Read(ref slots[index]) is { } slot && slot.TryComplete(id, reply);
    }

    /// <summary>Fails every request still waiting, at once.</summary>
    public void FailAll(Exception error)
    {
        ReplySlot?[] slots;
        lock (_gate) slots = _slots;
        foreach (var slot in slots) slot?.Fail(error);
    }

    private int NextUnused()
    {
        if (_used == _slots.Length)
        {
            var grown = new ReplySlot?[_slots.Length * 2];
            _slots.CopyTo(grown, 0);
            // Published whole: the reader loop sees the old array or the new one, both holding every live slot.
            Volatile.Write(ref _slots, grown);
            Array.Resize(ref _free, grown.Length);
        }
        return _used++;
    }
}
