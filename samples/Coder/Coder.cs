using Tessera;

namespace Tessera.Samples.Coder;

/// <summary>The seed talk's Coder: a pseudo-random stream whose state lives on one site.</summary>
[Stationary]
public partial class Coder
{
    private int _seed;

    public Coder(int seed) => _seed = seed;

    /// <summary>Returns the seed, then advances it: seed := (seed * 23 + 49) mod 1001.</summary>
    public virtual int Get()
    {
        lock (this)
        {
            var current = _seed;
            _seed = (_seed * 23 + 49) % 1001;
            return current;
        }
    }
}
