using System.Collections.Generic;
using System.Threading;

namespace Tessera.Gc;

/// <summary>
/// The weight a site holds for one entity at another site, until it lets go: split for every copy it sends,
/// joined by every copy that arrives, and returned whole once. Thread-safe.
/// </summary>
internal sealed class HeldWeight
{
    private readonly Lock _gate = new();
    private readonly Weight _weight = new();
    private bool _released;

    public HeldWeight(Credit credit) => _weight.Add(credit);

    public bool IsReleased
    {
        get
        {
            lock (_gate) return _released;
        }
    }

    /// <summary>Weight for a copy about to be sent, the rest staying here; null once released.</summary>
    public Credit? TrySplit()
    {
        lock (_gate)
        {
            if (_released) return null;
            // A copy that arrived with no weight (a peer's bug) can only pass on nothing.
            return _weight.IsZero ? default(Credit) : _weight.Split();
        }
    }

    /// <summary>Another copy arrived: its weight joins this one, unless this was released (then its holder returns it).</summary>
    public bool TryAbsorb(Credit credit)
    {
        lock (_gate)
        {
            if (_released) return false;
            _weight.Add(credit);
            return true;
        }
    }

    /// <summary>Lets go: all the weight, to send home, or null if it was already released.</summary>
    public List<Credit>? Release()
    {
        lock (_gate)
        {
            if (_released) return null;
            _released = true;
            return _weight.TakeAll();
        }
    }
}
