using System.Threading;

namespace Tessera.Infrastructure;

/// <summary>
/// A small lock-free pool of reusable objects, for objects rented on one thread and given back on another (so
/// a per-thread cache would not see them come back). It keeps at most its capacity; what does not fit is left
/// to the garbage collector, so a burst costs allocations, never an unbounded pool.
/// </summary>
internal sealed class ReusePool<T>(int capacity) where T : class
{
    private readonly T?[] _items = new T?[capacity];

    /// <summary>An object given back earlier, or null when none is kept.</summary>
    public T? TryRent()
    {
        var items = _items;
        for (var i = 0; i < items.Length; i++)
        {
            var item = Volatile.Read(ref items[i]);
            if (item is not null && Interlocked.CompareExchange(ref items[i], null, item) == item) return item;
        }
        return null;
    }

    /// <summary>Keeps <paramref name="item"/> for a later rent, if there is room. Nobody may use it after this.</summary>
    public void Return(T item)
    {
        var items = _items;
        for (var i = 0; i < items.Length; i++)
        {
            if (Volatile.Read(ref items[i]) is null && Interlocked.CompareExchange(ref items[i], item, null) is null) return;
        }
    }
}
