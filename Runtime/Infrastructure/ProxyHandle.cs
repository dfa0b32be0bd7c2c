using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Gc;

namespace Tessera.Infrastructure;

/// <summary>
/// The runtime half of a generated proxy: names the remote entity, carries its calls, and holds this
/// site's weight for it. One handle (and one proxy) exists per entity per site. When the proxy is
/// released, or collected (then this handle is finalized), the weight goes home.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ProxyHandle
{
    private readonly Lock _gate = new();
    private readonly Weight _weight = new();
    private bool _released;
    private EntityFaultCell? _fault;

    internal ProxyHandle(Site site, SiteIdentity home, ImmutableArray<string> endpointHints, ulong objectKey, DistributedTypeInfo type, Credit credit)
    {
        Site = site;
        Home = home;
        EndpointHints = endpointHints;
        ObjectKey = objectKey;
        Type = type;
        _weight.Add(credit);
    }

    ~ProxyHandle()
    {
        List<Credit> credits;
        lock (_gate)
        {
            if (_released) return;
            _released = true;
            credits = _weight.TakeAll();
        }
        Site.Gc.OnProxyDropped(this, credits);
    }

    /// <summary>The local site this proxy lives on.</summary>
    public Site Site { get; }

    public SiteIdentity Home { get; }

    public ImmutableArray<string> EndpointHints { get; }

    public ulong ObjectKey { get; }

    public DistributedTypeInfo Type { get; }

    /// <summary>This entity's own fault state here (Break, Kill, a lost state) and its detection mode; made on first use.</summary>
    internal EntityFaultCell Fault => _fault ?? Interlocked.CompareExchange(ref _fault, new EntityFaultCell(), null) ?? _fault;

    internal EntityFaultCell? FaultIfAny => Volatile.Read(ref _fault);

    /// <summary>Whether this proxy was released: its weight went home, and it can no longer be used or sent.</summary>
    /// <remarks>Read without the lock, as async calls check it on their hot path; it is only ever set, under the lock.</remarks>
    public bool IsReleased => Volatile.Read(ref _released);

    /// <summary>
    /// One request, one reply. Blocks the calling thread until the reply, the deadline or cancellation. Takes
    /// <paramref name="arguments"/> over (they are given back to the pool); the caller gives the result back.
    /// </summary>
    public EncodedBytes Call(uint methodId, EncodedBytes arguments, CancellationToken cancellationToken = default)
    {
        ThrowIfReleased();
        return Site.StationaryCalls.Call(this, methodId, arguments, cancellationToken);
    }

    /// <summary>One request, one reply, ending by the site's default deadline at the latest. Await it once. Bytes as for <see cref="Call"/>.</summary>
    public ValueTask<EncodedBytes> CallAsync(uint methodId, EncodedBytes arguments, CancellationToken cancellationToken = default)
    {
        ThrowIfReleased();
        return Site.StationaryCalls.CallAsync(this, methodId, arguments, cancellationToken);
    }

    /// <summary>Weight for a copy of this reference about to be sent; this proxy keeps the rest.</summary>
    internal Credit Split()
    {
        lock (_gate)
        {
            ThrowIfReleasedLocked();
            // A handle made for a guessed key holds nothing; its reference carries nothing either.
            return _weight.IsZero ? default : _weight.Split();
        }
    }

    /// <summary>Another copy of the reference arrived here: its weight joins this proxy's, unless it was released.</summary>
    internal bool TryAbsorb(Credit credit)
    {
        lock (_gate)
        {
            if (_released) return false;
            _weight.Add(credit);
            return true;
        }
    }

    /// <summary>Ends the proxy: returns all its weight, or null if it was already released.</summary>
    internal List<Credit>? Release()
    {
        lock (_gate)
        {
            if (_released) return null;
            _released = true;
            GC.SuppressFinalize(this);
            return _weight.TakeAll();
        }
    }

    internal void ThrowIfReleased()
    {
        if (IsReleased) throw new ReferenceReleasedException(ToString());
    }

    private void ThrowIfReleasedLocked()
    {
        if (_released) throw new ReferenceReleasedException(ToString());
    }

    // The object key is a capability (anyone who knows it may call), so it stays out of text that reaches logs.
    public override string ToString() => $"{Type.TypeName}@{Home}";
}
