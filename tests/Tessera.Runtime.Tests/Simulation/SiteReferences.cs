namespace Tessera.Runtime.Tests.Simulation;

/// <summary>One entity's references as the probes and checks see them, whatever the entity's type.</summary>
internal interface IEntityReferences
{
    /// <summary>Raised when a site takes the entity again: its new reference.</summary>
    event Action<int, object>? Taken;

    /// <summary>Raised when a site drops its reference for the CLR to collect: whoever watches it must let go of it too.</summary>
    event Action<int, object>? Dropped;

    /// <summary>The site's reference now, or null between a release (or drop) and the take that follows (or if that take failed).</summary>
    object? CurrentOf(int site);

    /// <summary>
    /// Every reference any site has held, released ones included, with its site; a dropped one only while the CLR has not
    /// collected it (for an [Async] reference, then, the proxy behind it).
    /// </summary>
    IReadOnlyList<(int Site, object Reference)> Ever { get; }
}

/// <summary>
/// One entity's references, one per site, as they change: a site that releases or drops its reference has none until it
/// takes the object again, and then holds a fresh proxy. Released references stay listed in <see cref="Ever"/>, so the
/// probes keep watching them (a released [Cached] reference must never hold the state); dropped ones stay listed only
/// until the CLR collects them, since holding them here would keep them from being collected.
/// </summary>
internal sealed class SiteReferences<T> : IEntityReferences where T : class
{
    private readonly Lock _gate = new();
    private readonly T?[] _current;
    private readonly List<Held> _ever = new();

    public SiteReferences(IReadOnlyList<T> initial)
    {
        _current = initial.ToArray();
        for (var site = 0; site < initial.Count; site++) _ever.Add(new Held(site, initial[site]));
    }

    public event Action<int, object>? Taken;

    public event Action<int, object>? Dropped;

    public T? this[int site]
    {
        get
        {
            lock (_gate) return _current[site];
        }
    }

    public IReadOnlyList<(int Site, object Reference)> Ever
    {
        get
        {
            lock (_gate) return _ever.Select(h => (h.Site, Reference: h.Target)).Where(h => h.Reference is not null).Select(h => (h.Site, h.Reference!)).ToArray();
        }
    }

    public object? CurrentOf(int site) => this[site];

    /// <summary>The site released its reference: it has none until it takes the object again.</summary>
    public void Drop(int site)
    {
        lock (_gate) _current[site] = null;
    }

    /// <summary>The site dropped its reference: it has none until it takes the object again, and nothing here holds the old one.</summary>
    public void Forget(int site)
    {
        T dropped;
        lock (_gate)
        {
            dropped = _current[site] ?? throw new InvalidOperationException($"s{site} has no reference to drop.");
            _current[site] = null;
            foreach (var held in _ever.Where(h => h.Site == site)) held.Weaken(dropped);
        }
        Dropped?.Invoke(site, dropped);
    }

    public void Adopt(int site, T reference)
    {
        lock (_gate)
        {
            _current[site] = reference;
            // A dropped proxy that the runtime kept alive comes back from the take: listed twice, it would count as two holders.
            if (_ever.FirstOrDefault(h => h.Site == site && ReferenceEquals(h.Proxy, Proxies.Of(reference))) is { } again) again.Strengthen(reference);
            else _ever.Add(new Held(site, reference));
        }
        Taken?.Invoke(site, reference);
    }

    /// <summary>
    /// A reference, held strongly until its site drops it, then weakly. The weak reference is to what the CLR collects:
    /// for an [Async] reference the proxy behind it, since a take makes a new wrapper around a proxy that lives.
    /// </summary>
    private sealed class Held(int site, T reference)
    {
        private readonly WeakReference _weak = new(Proxies.Of(reference));
        private T? _strong = reference;

        public int Site { get; } = site;

        /// <summary>The reference, or once it was dropped, its proxy while that lives.</summary>
        public object? Target => _strong ?? _weak.Target;

        /// <summary>The proxy behind the reference, while it lives.</summary>
        public object? Proxy => _weak.Target;

        public void Weaken(T dropped)
        {
            if (ReferenceEquals(_strong, dropped)) _strong = null;
        }

        public void Strengthen(T again) => _strong = again;
    }
}
