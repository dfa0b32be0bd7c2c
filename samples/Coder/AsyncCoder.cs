using Tessera;

namespace Tessera.Samples.Coder;

/// <summary>
/// The same Coder as an active object: calls run one at a time at home, so it needs no lock, and a caller
/// fires calls without waiting and uses each value (a <see cref="Dataflow{T}"/>) when it needs it.
/// </summary>
[Async]
public partial class AsyncCoder
{
    private int _seed;

    public AsyncCoder(int seed) => _seed = seed;

    /// <summary>Returns the seed, then advances it: seed := (seed * 23 + 49) mod 1001.</summary>
    public virtual int Get()
    {
        var current = _seed;
        _seed = (_seed * 23 + 49) % 1001;
        return current;
    }
}
