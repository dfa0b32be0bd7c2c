using System.Threading;

namespace Tessera.Benchmarks;

/// <summary>Calls completed, one padded slot per caller so callers on different cores do not share a cache line.</summary>
internal sealed class CallCounter(int callers)
{
    private const int Stride = 8;
    private readonly long[] _slots = new long[callers * Stride];

    public void Add(int caller) => Volatile.Write(ref _slots[caller * Stride], _slots[caller * Stride] + 1);

    public long Total
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _slots.Length; i += Stride) total += Volatile.Read(ref _slots[i]);
            return total;
        }
    }
}
