using System.Collections.Concurrent;
using System.Threading;

namespace Tessera.Infrastructure;

/// <summary>
/// Objects given back for reuse, rented on any thread and returned on any other. It keeps at most its capacity;
/// what does not fit is the returner's to drop or dispose, so a burst costs allocations, never an unbounded pool.
/// </summary>
internal sealed class ReusePool<T>(int capacity) where T : class
{
    private readonly ConcurrentQueue<T> _items = new();
    private int _kept;

    /// <summary>An object given back earlier, or null when none is kept.</summary>
    public T? TryRent()
    {
        if (!_items.TryDequeue(out var item)) return null;
        Interlocked.Decrement(ref _kept);
        return item;
    }

    /// <summary>Keeps <paramref name="item"/> for a later rent; false when the pool is full. Nobody may use a kept item.</summary>
    public bool TryReturn(T item)
    {
        if (Interlocked.Increment(ref _kept) > capacity)
        {
            Interlocked.Decrement(ref _kept);
            return false;
        }
        _items.Enqueue(item);
        return true;
    }
}
