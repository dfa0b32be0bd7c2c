namespace Tessera.Runtime.Tests.Simulation;

/// <summary>One entity's references as the probes and checks see them, whatever the entity's type.</summary>
internal interface IEntityReferences
{
    /// <summary>Raised when a site takes the entity again: its new reference.</summary>
    event Action<int, object>? Taken;

    /// <summary>The site's reference now, or null between a release and the take that follows (or if that take failed).</summary>
    object? CurrentOf(int site);

    /// <summary>Every reference any site has held, released ones included, with its site.</summary>
    IReadOnlyList<(int Site, object Reference)> Ever { get; }
}

/// <summary>
/// One entity's references, one per site, as they change: a site that releases its reference has none until it takes
/// the object again, and then holds a fresh proxy. Released references stay listed in <see cref="Ever"/>, so the
/// probes keep watching them (a released [Cached] reference must never hold the state).
/// </summary>
internal sealed class SiteReferences<T> : IEntityReferences where T : class
{
    private readonly Lock _gate = new();
    private readonly T?[] _current;
    private readonly List<(int Site, object Reference)> _ever = new();

    public SiteReferences(IReadOnlyList<T> initial)
    {
        _current = initial.ToArray();
        for (var site = 0; site < initial.Count; site++) _ever.Add((site, initial[site]));
    }

    public event Action<int, object>? Taken;

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
            lock (_gate) return _ever.ToArray();
        }
    }

    public object? CurrentOf(int site) => this[site];

    /// <summary>The site released its reference: it has none until it takes the object again.</summary>
    public void Drop(int site)
    {
        lock (_gate) _current[site] = null;
    }

    public void Adopt(int site, T reference)
    {
        lock (_gate)
        {
            _current[site] = reference;
            _ever.Add((site, reference));
        }
        Taken?.Invoke(site, reference);
    }
}
