using Tessera;

namespace Tessera.Samples.Coder;

/// <summary>The seed talk's Coder with mobile state: the state moves to whichever site calls it.</summary>
[Cached]
public partial class CachedCoder
{
    private int _seed;

    public CachedCoder(int seed) => _seed = seed;

    /// <summary>Returns the seed, then advances it: seed := (seed * 23 + 49) mod 1001.</summary>
    public virtual int Get()
    {
        var current = _seed;
        _seed = (_seed * 23 + 49) % 1001;
        return current;
    }
}
