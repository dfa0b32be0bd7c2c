using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using Tessera.Gc;
using Tessera.Infrastructure;
using Tessera.Serialization;

namespace Tessera.Sites;

/// <summary>
/// The site's two entity tables. Exports: home objects other sites may reach, by random key, each with
/// the weight outstanding for it; an export is dropped (the object becomes local again) when all its
/// weight is home and no ticket names it, or when its lease runs out. Imports: one proxy per remote
/// entity, so two references to one object are one C# instance; each proxy's handle holds its weight.
/// </summary>
internal sealed class ReferenceTable : IGcTable
{
    private readonly Lock _gate = new();
    private readonly Site _site;
    private readonly Dictionary<ulong, ExportEntry> _exportsByKey = new();
    private readonly Dictionary<object, ulong> _keysByObject = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(SiteIdentity Home, ulong Key), WeakReference<object>> _imports = new();
    private const int InitialPruneThreshold = 1024;
    private const int ShrinkAbove = 256;
    private int _pruneAt = InitialPruneThreshold;

    private readonly LeaseClock _leases;

    public ReferenceTable(Site site)
    {
        _site = site;
        _leases = new LeaseClock(site.Options);
    }

    /// <summary>An export was dropped; raised outside the table's lock.</summary>
    public event Action<ulong>? Unexported;

    public int ExportCount
    {
        get
        {
            lock (_gate) return _exportsByKey.Count;
        }
    }

    /// <summary>Exports <paramref name="target"/> (once) for a ticket, which pins it until <see cref="Unpin"/>.</summary>
    public ulong ExportPinned(object target, DistributedTypeInfo type)
    {
        lock (_gate)
        {
            var (key, entry) = ExportLocked(target, type);
            entry.Pins++;
            return key;
        }
    }

    /// <summary>A ticket for the entity ended (taken once, or retracted).</summary>
    public void Unpin(ulong key)
    {
        ulong? dropped = null;
        lock (_gate)
        {
            if (!_exportsByKey.TryGetValue(key, out var entry) || entry.Pins == 0) return;
            entry.Pins--;
            RenewLocked(entry);
            if (entry.IsUnreferenced) dropped = DropLocked(key, entry);
        }
        RaiseUnexported(dropped);
    }

    /// <summary>Weight for a reference granted by a take: the home mints a unit, as for any reference it sends.</summary>
    public bool TryGrant(ulong key, out Credit credit)
    {
        lock (_gate)
        {
            credit = default;
            if (!_exportsByKey.TryGetValue(key, out var entry)) return false;
            credit = MintLocked(entry);
            return true;
        }
    }

    /// <summary>The key under which <paramref name="target"/> is exported, if it is.</summary>
    public bool TryGetKey(object target, out ulong key)
    {
        lock (_gate) return _keysByObject.TryGetValue(target, out key);
    }

    public bool TryGetExport(ulong key, out ExportedEntity entity)
    {
        lock (_gate)
        {
            entity = _exportsByKey.TryGetValue(key, out var entry) ? new ExportedEntity(entry.Target, entry.Type) : default;
            return entry is not null;
        }
    }

    public WireReference ToWire(object value, DistributedTypeInfo type)
    {
        // A proxy, or an imported [Cached] object: a reference to the entity's home, wherever its state is.
        if (HandleOf(value) is { } handle)
        {
            var split = handle.Split();
            return new WireReference
            {
                SiteId = handle.Home.Id,
                Incarnation = handle.Home.Incarnation,
                EndpointHints = handle.EndpointHints.IsDefault ? Array.Empty<string>() : handle.EndpointHints.ToArray(),
                ObjectKey = handle.ObjectKey,
                WeightLevel = split.Level,
                WeightMantissa = split.Mantissa,
            };
        }
        ulong key;
        Credit credit;
        lock (_gate)
        {
            (key, var entry) = ExportLocked(value, type);
            credit = MintLocked(entry);
        }
        return new WireReference
        {
            SiteId = _site.Identity.Id,
            Incarnation = _site.Identity.Incarnation,
            EndpointHints = _site.EndpointHints.ToArray(),
            ObjectKey = key,
            WeightLevel = credit.Level,
            WeightMantissa = credit.Mantissa,
        };
    }

    /// <summary>Resolves a reference: the original instance if it is ours (its weight is home again), else this site's one proxy for it.</summary>
    public object FromWire(WireReference reference, DistributedTypeInfo type)
    {
        if (reference.Home != _site.Identity) return Import(reference.Home, ImmutableArray.Create(reference.EndpointHints), reference.ObjectKey, type, reference.Credit);
        object target;
        ulong? dropped = null;
        lock (_gate)
        {
            if (!_exportsByKey.TryGetValue(reference.ObjectKey, out var entry))
                throw new EntityNotFoundException($"A reference to {type.TypeName}#{reference.ObjectKey:x16} came home, but this site does not export it.");
            if (entry.Type != type)
                throw new ProtocolViolationException($"A reference that came home names a {entry.Type.TypeName}, but was sent as a {type.TypeName}.");
            target = entry.Target;
            entry.Outstanding.Return(reference.Credit);
            if (entry.IsUnreferenced) dropped = DropLocked(reference.ObjectKey, entry);
        }
        RaiseUnexported(dropped);
        return target;
    }

    /// <summary>This site's one proxy for a remote entity, made if needed; <paramref name="credit"/> is the weight that came with the reference.</summary>
    public object Import(SiteIdentity home, ImmutableArray<string> hints, ulong key, DistributedTypeInfo type, Credit credit)
    {
        lock (_gate)
        {
            if (_imports.TryGetValue((home, key), out var weak) && weak.TryGetTarget(out var existing) && HandleOf(existing) is { } handle)
            {
                if (!type.ClrType.IsInstanceOfType(existing))
                    throw new ProtocolViolationException($"Site {home} sent entity #{key:x16} as {type.TypeName}, but it is already known here as {existing.GetType().FullName}.");
                if (handle.TryAbsorb(credit)) return existing;
            }
            var proxy = type.CreateProxyObject(new ProxyHandle(_site, home, hints, key, type, credit));
            if (_imports.Count >= _pruneAt) PruneCollectedProxies();
            _imports[(home, key)] = new WeakReference<object>(proxy);
            _site.Gc.OnProxyCreated();
            return proxy;
        }
    }

    /// <summary>This site's proxy for the entity, or null if it never had one or the proxy was collected or released.</summary>
    public object? FindImport(SiteIdentity home, ulong key)
    {
        lock (_gate) return _imports.TryGetValue((home, key), out var weak) && weak.TryGetTarget(out var proxy) ? proxy : null;
    }

    /// <summary>Ends this site's proxy <paramref name="reference"/>: its weight goes home. False if it is not a live proxy.</summary>
    public bool Release(object reference)
    {
        if (HandleOf(reference) is not { } handle) return false;
        List<Credit>? credits;
        lock (_gate)
        {
            if (_imports.TryGetValue((handle.Home, handle.ObjectKey), out var weak) && weak.TryGetTarget(out var current) && ReferenceEquals(current, reference))
                _imports.Remove((handle.Home, handle.ObjectKey));
            credits = handle.Release();
        }
        if (credits is null) return false;
        _site.Gc.OnProxyReleased(handle, credits);
        return true;
    }

    /// <summary>A proxy was collected: forget its entry, unless a newer proxy took its place.</summary>
    public void ForgetCollected(SiteIdentity home, ulong key)
    {
        lock (_gate)
        {
            if (_imports.TryGetValue((home, key), out var weak) && !weak.TryGetTarget(out _)) _imports.Remove((home, key));
            ShrinkIfSparse(_imports);
        }
    }

    public void OnWeightReturned(ulong key, ReadOnlySpan<Credit> credits)
    {
        ulong? dropped = null;
        lock (_gate)
        {
            // Unknown keys are weight for an entity a lease already reclaimed.
            if (!_exportsByKey.TryGetValue(key, out var entry)) return;
            foreach (var credit in credits) entry.Outstanding.Return(credit);
            if (entry.IsUnreferenced) dropped = DropLocked(key, entry);
        }
        RaiseUnexported(dropped);
    }

    /// <remarks>A key no longer exported is left alone: the holder learns it at its next call.</remarks>
    public void RenewLeases(PeerConnection holder, ReadOnlySpan<ulong> keys)
    {
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (_exportsByKey.TryGetValue(key, out var entry)) RenewLocked(entry);
            }
        }
    }

    /// <summary>Drops every export whose lease ran out: weight still outstanding belongs to holders that went silent.</summary>
    public List<ulong> ReclaimExpiredLeases()
    {
        var now = _leases.Now;
        var reclaimed = new List<ulong>();
        lock (_gate)
        {
            foreach (var (key, entry) in _exportsByKey)
            {
                if (entry.IsLeaseExpired(now)) reclaimed.Add(key);
            }
            foreach (var key in reclaimed) DropLocked(key, _exportsByKey[key]);
        }
        foreach (var key in reclaimed) RaiseUnexported(key);
        return reclaimed;
    }

    /// <summary>The entities this site holds live proxies for, by home: what its lease renewals name.</summary>
    public Dictionary<SiteIdentity, (ImmutableArray<string> Hints, List<ulong> Keys)> HeldByHome()
    {
        var held = new Dictionary<SiteIdentity, (ImmutableArray<string>, List<ulong>)>();
        lock (_gate)
        {
            foreach (var ((home, key), weak) in _imports)
            {
                if (!weak.TryGetTarget(out var proxy) || HandleOf(proxy) is not { IsReleased: false } handle) continue;
                if (!held.TryGetValue(home, out var entry)) held[home] = entry = (handle.EndpointHints, new List<ulong>());
                entry.Item2.Add(key);
            }
        }
        return held;
    }

    internal static ProxyHandle? HandleOf(object value)
        => (value as IDistributedProxy)?.TesseraHandle ?? (value as ICachedObject)?.TesseraState.Handle;

    private (ulong Key, ExportEntry Entry) ExportLocked(object target, DistributedTypeInfo type)
    {
        if (_keysByObject.TryGetValue(target, out var existing)) return (existing, _exportsByKey[existing]);
        // Keys are random so that a connected peer cannot reach objects nobody gave it by counting.
        ulong key;
        do key = RandomKey(); while (key == 0 || _exportsByKey.ContainsKey(key));
        // Before the entry exists, so a target its protocol refuses to export leaves nothing behind.
        type.OnExporting(_site, target, key);
        var entry = new ExportEntry(target, type);
        RenewLocked(entry);
        _exportsByKey[key] = entry;
        _keysByObject[target] = key;
        return (key, entry);
    }

    private Credit MintLocked(ExportEntry entry)
    {
        entry.Outstanding.Mint(Credit.Unit);
        RenewLocked(entry);
        return Credit.Unit;
    }

    private void RenewLocked(ExportEntry entry)
    {
        var expiry = _leases.ExpiryFromNow;
        if (expiry > entry.LeaseExpiry) entry.LeaseExpiry = expiry;
    }

    private ulong DropLocked(ulong key, ExportEntry entry)
    {
        _exportsByKey.Remove(key);
        _keysByObject.Remove(entry.Target);
        ShrinkIfSparse(_exportsByKey);
        ShrinkIfSparse(_keysByObject);
        // Inside the lock, so that exporting the object again cannot interleave with its protocol letting go.
        entry.Type.OnUnexported(_site, entry.Target);
        return key;
    }

    private void RaiseUnexported(ulong? key)
    {
        if (key is { } dropped) Unexported?.Invoke(dropped);
    }

    /// <summary>Drops entries whose proxies were collected; the threshold doubles so pruning stays amortised O(1).</summary>
    private void PruneCollectedProxies()
    {
        foreach (var (id, weak) in _imports)
        {
            if (!weak.TryGetTarget(out _)) _imports.Remove(id);
        }
        _pruneAt = Math.Max(InitialPruneThreshold, _imports.Count * 2);
    }

    /// <summary>
    /// After a burst (many proxies alive between two collections, or many exports awaiting their weight) a
    /// table would keep its peak capacity forever; shrinking once it is three-quarters empty keeps memory
    /// flat under churn, and the threshold keeps the cost amortised O(1) per removal.
    /// </summary>
    private static void ShrinkIfSparse<TKey, TValue>(Dictionary<TKey, TValue> table)
        where TKey : notnull
    {
        var capacity = table.EnsureCapacity(0);
        if (capacity > ShrinkAbove && table.Count < capacity / 4) table.TrimExcess(Math.Max(table.Count * 2, ShrinkAbove));
    }

    private static ulong RandomKey()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}

/// <summary>A home object reachable from other sites.</summary>
internal readonly record struct ExportedEntity(object Target, DistributedTypeInfo Type);
