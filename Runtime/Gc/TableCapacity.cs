using System;
using System.Collections.Generic;

namespace Tessera.Gc;

/// <summary>Keeps the garbage-collected tables' memory flat under churn.</summary>
internal static class TableCapacity
{
    private const int ShrinkAbove = 256;

    /// <summary>
    /// After a burst a table would keep its peak capacity forever; shrinking once it is three-quarters empty
    /// gives the memory back, and trimming to twice the count keeps the cost amortised O(1) per removal.
    /// </summary>
    public static void ShrinkIfSparse<TKey, TValue>(Dictionary<TKey, TValue> table)
        where TKey : notnull
    {
        var capacity = table.EnsureCapacity(0);
        if (capacity > ShrinkAbove && table.Count < capacity / 4) table.TrimExcess(Math.Max(table.Count * 2, ShrinkAbove));
    }
}
