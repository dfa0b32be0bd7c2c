using System;

namespace Tessera.Protocols.Migratory;

/// <summary>How one object takes part in moves and stops: shared from its home, unshared, and retired when released.</summary>
public sealed partial class MigratoryProxy
{
    /// <summary>Makes this home object reachable from <paramref name="site"/> under <paramref name="key"/>; from then on its state can move.</summary>
    internal void Share(Site site, ulong key)
    {
        lock (_gate)
        {
            if (_handle is not null)
                throw new NotSupportedException($"This {_type.TypeName} is a reference to an object at site {Home}; offer it from its home site, or pass the reference itself.");
            if (_sharing is { } shared)
            {
                if (shared.Site != site) throw new InvalidOperationException($"{Name} is already shared by {shared.Site}; a [Cached] object can be shared by one site only.");
                return;
            }
            var manager = new MigratoryManager(this, site.Migratory, new Requester(site.Identity, site.EndpointHints, 0));
            _sharing = new Sharing(site, site.Identity, site.EndpointHints, key, manager);
        }
        site.Migratory.RegisterHome(this);
        _faults.Start();
    }

    /// <summary>
    /// Nothing outside refers to this home object any more, so it stops being shared (and may be shared
    /// again under a new key). Its state is here then, since a site that holds or awaits it keeps its weight,
    /// unless a lease reclaimed the object from a silent holder, which took the state with it.
    /// </summary>
    internal void Unshare(Site site)
    {
        bool here;
        ulong key;
        lock (_gate)
        {
            if (_sharing?.Site != site || _handle is not null) return;
            key = Key;
            here = _presence == Presence.Here && _lostReason is null;
            if (here)
            {
                _sharing = null;
                _lastHop = 0;
                _forward.Reset();
            }
        }
        site.Migratory.UnregisterHome(this, key);
        if (!here) Lose("its lease ran out while a site that went silent held or awaited its state");
    }

    /// <summary>
    /// Ends this imported object's part in moves if it neither holds nor awaits the state, in one step with the check:
    /// a call that would ask for the state meanwhile is refused (<see cref="ReferenceReleasedException"/>), so the
    /// state is never drawn to a reference whose weight has gone home. False if it is active.
    /// </summary>
    internal bool TryRetire()
    {
        // Its progress was remembered when it last stopped holding and awaiting the state (Deactivate), and cannot have
        // changed since: only a forward or a token makes it active again.
        lock (_gate)
        {
            if (IsActiveLocked) return false;
            _retired = true;
            return true;
        }
    }

    /// <summary>Whether this imported object holds or awaits the state, so dropping it now would strand the state.</summary>
    internal bool IsActive
    {
        get
        {
            lock (_gate) return IsActiveLocked;
        }
    }

    private bool IsActiveLocked => (_presence != Presence.Empty || _forward.IsSet) && _lostReason is null;
}
