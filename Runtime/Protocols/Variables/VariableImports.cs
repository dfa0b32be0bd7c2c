using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Tessera.Gc;

namespace Tessera.Protocols.Variables;

/// <summary>
/// This site's proxies for variables managed elsewhere, one per variable, held weakly. A proxy lets go of its
/// weight when it is determined (a determined variable needs its manager no more) or collected, and then leaves
/// this table, so the table holds only proxies that still wait for their outcome.
/// </summary>
internal sealed class VariableImports
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(SiteIdentity Manager, ulong Key), WeakReference<IImportedVariable>> _byId = new();
    private long _holding;

    /// <summary>How a copy that arrived was taken in.</summary>
    public enum Arrival
    {
        /// <summary>A new proxy, which must register with the manager.</summary>
        Created,

        /// <summary>The copy's weight joined the existing proxy's.</summary>
        Joined,

        /// <summary>The existing proxy was determined a moment ago and let go of its weight: the copy's must go home too.</summary>
        Surplus,
    }

    /// <summary>Proxies holding weight: made, and neither determined nor collected yet.</summary>
    public long Count => Interlocked.Read(ref _holding);

    /// <summary>This site's one proxy for the variable: the existing one, or one made by <paramref name="create"/>.</summary>
    public (VariableProxy<T> Proxy, Arrival Arrival) Import<T>(SiteIdentity manager, ulong key, Credit credit, Func<VariableProxy<T>> create)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue((manager, key), out var weak) && weak.TryGetTarget(out var existing))
            {
                if (existing is not VariableProxy<T> same)
                    throw new ProtocolViolationException($"Site {manager} sent variable #{key:x16} as Dataflow<{typeof(T).Name}>, but it is already known here with another type.");
                return (same, same.TryAbsorb(credit) ? Arrival.Joined : Arrival.Surplus);
            }
            var proxy = create();
            _byId[(manager, key)] = new WeakReference<IImportedVariable>(proxy);
            Interlocked.Increment(ref _holding);
            return (proxy, Arrival.Created);
        }
    }

    /// <summary>Takes the proxy out of the table: its outcome arrived.</summary>
    public IImportedVariable? Remove(SiteIdentity manager, ulong key)
    {
        lock (_gate) return _byId.Remove((manager, key), out var weak) && weak.TryGetTarget(out var proxy) ? proxy : null;
    }

    /// <summary>The proxy let go of its weight, once (determined, or collected): its entry goes, unless a newer proxy took its place.</summary>
    public void Forget(IImportedVariable proxy)
    {
        Interlocked.Decrement(ref _holding);
        lock (_gate)
        {
            if (_byId.TryGetValue((proxy.Manager, proxy.Key), out var weak) && (!weak.TryGetTarget(out var current) || ReferenceEquals(current, proxy)))
                _byId.Remove((proxy.Manager, proxy.Key));
            TableCapacity.ShrinkIfSparse(_byId);
        }
    }

    /// <summary>The live proxies of variables that <paramref name="manager"/> manages.</summary>
    public List<IImportedVariable> Of(SiteIdentity manager)
    {
        var proxies = new List<IImportedVariable>();
        lock (_gate)
        {
            foreach (var ((owner, _), weak) in _byId)
            {
                if (owner == manager && weak.TryGetTarget(out var proxy)) proxies.Add(proxy);
            }
        }
        return proxies;
    }

    /// <summary>The variables this site holds weight for, by manager: what its lease renewals name.</summary>
    public Dictionary<SiteIdentity, (ImmutableArray<string> Hints, List<ulong> Keys)> HeldByHome()
    {
        var held = new Dictionary<SiteIdentity, (ImmutableArray<string>, List<ulong>)>();
        lock (_gate)
        {
            foreach (var ((manager, key), weak) in _byId)
            {
                if (!weak.TryGetTarget(out var proxy) || proxy.IsReleased) continue;
                if (!held.TryGetValue(manager, out var entry)) held[manager] = entry = (proxy.Hints, new List<ulong>());
                entry.Item2.Add(key);
            }
        }
        return held;
    }
}
