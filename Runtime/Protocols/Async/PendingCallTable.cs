using System;
using System.Numerics;
using System.Threading;
using Tessera.Infrastructure;

namespace Tessera.Protocols.Async;

/// <summary>
/// The calls outstanding on one channel, by id, in an open-addressed array rather than a dictionary, with
/// no lock: callers add from their own threads while the reader loop looks up and removes. Ids come from
/// <see cref="SlotId"/>, so a reply that comes after its call ended (by deadline or cancellation) is dropped.
/// </summary>
/// <remarks>
/// The array has at least twice as many slots as the window allows calls, so it is never more than half
/// full and an add finds a free slot within a few probes.
/// </remarks>
internal sealed class PendingCallTable
{
    /// <summary>The largest window a channel supports: its table is 8 bytes × twice the window, rounded up to a power of two.</summary>
    public const int MaxCapacity = 1 << 20;

    private readonly PendingAsyncCall?[] _slots;
    private readonly int _mask;
    private long _sequence;
    private int _count;

    public PendingCallTable(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        _slots = new PendingAsyncCall?[BitOperations.RoundUpToPowerOf2((uint)capacity * 2)];
        _mask = _slots.Length - 1;
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Puts <paramref name="call"/> in a free slot and returns its id (never 0, which means a one-way send).
    /// The caller holds a window slot, so there are fewer calls in the table than half its slots.
    /// </summary>
    public long Add(PendingAsyncCall call)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        for (var probe = sequence; ; probe++)
        {
            var index = (int)(probe & _mask);
            if (Volatile.Read(ref _slots[index]) is not null) continue;
            var id = SlotId.Make(sequence, index);
            call.Id = id;
            if (Interlocked.CompareExchange(ref _slots[index], call, null) is not null) continue;
            Interlocked.Increment(ref _count);
            return id;
        }
    }

    public bool TryGet(long id, out PendingAsyncCall call)
    {
        var index = SlotId.SlotOf(id);
        var found = index < (uint)_slots.Length ? Volatile.Read(ref _slots[index]) : null;
        call = found!;
        return found is not null && found.Id == id;
    }

    /// <summary>Frees the call's slot; false if <paramref name="id"/> is not (or no longer) in the table.</summary>
    public bool Remove(long id)
    {
        var index = SlotId.SlotOf(id);
        if (index >= (uint)_slots.Length || Volatile.Read(ref _slots[index]) is not { } call || call.Id != id) return false;
        if (Interlocked.CompareExchange(ref _slots[index], null, call) != call) return false;
        Interlocked.Decrement(ref _count);
        return true;
    }

    /// <summary>The calls outstanding now, for the deadline sweep and for failing them all.</summary>
    public PendingAsyncCall[] Snapshot()
    {
        var calls = new System.Collections.Generic.List<PendingAsyncCall>(Count);
        foreach (ref var slot in _slots.AsSpan())
        {
            if (Volatile.Read(ref slot) is { } call) calls.Add(call);
        }
        return calls.ToArray();
    }
}
