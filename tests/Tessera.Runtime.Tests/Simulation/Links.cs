using Tessera.Transport;
using Tessera.Transport.InMemory;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// The links between a run's sites on one in-memory network. A link is a pair of sites, both directions:
/// holding it makes every chunk on it wait, in order, as TCP holds data across an outage; a delay makes each
/// chunk wait a seeded random while. Chunks already delivered are not affected.
/// </summary>
internal sealed class LinkTable
{
    private readonly object _connecting = new();
    private readonly Dictionary<(string, string), Link> _links = new();
    private readonly int _seed;

    public LinkTable(InMemoryNetwork network, int seed)
    {
        Network = network;
        _seed = seed;
    }

    public InMemoryNetwork Network { get; }

    public Link Get(string a, string b)
    {
        var key = string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
        lock (_links)
        {
            if (!_links.TryGetValue(key, out var link)) _links[key] = link = new Link(StableSeed(key.Item1 + "|" + key.Item2));
            return link;
        }
    }

    // FNV-1a: string.GetHashCode differs between processes, and a replay runs in another one.
    private int StableSeed(string text)
    {
        var hash = 2166136261u ^ (uint)_seed;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return (int)hash;
    }

    /// <summary>Ends every hold and delay: a run always finishes healed, so no pump waits past it.</summary>
    public void HealAll()
    {
        Link[] all;
        lock (_links) all = _links.Values.ToArray();
        foreach (var link in all) link.Heal();
    }

    /// <summary>
    /// Dials with the link's pacing: the network reads <see cref="InMemoryNetwork.DeliveryDelay"/> while it makes
    /// the connection, so one dial at a time sets it to the link being dialed.
    /// </summary>
    public ValueTask<IFrameConnection> Connect(ITransport dialer, string address, CancellationToken cancellationToken)
    {
        lock (_connecting)
        {
            Network.DeliveryDelay = Get(dialer.LocalAddress ?? "", address).PaceAsync;
            return dialer.ConnectAsync(address, cancellationToken);
        }
    }
}

/// <summary>One pair of sites: its holds (partitions may overlap) and its delay.</summary>
internal sealed class Link
{
    private readonly object _gate = new();
    private readonly Random _random;
    private int _holds;
    private TaskCompletionSource? _healed;
    private int _maxDelayMilliseconds;

    // Seeded per link, so which link is slow and by how much is replayable; which chunk draws which delay is not.
    public Link(int seed) => _random = new Random(seed);

    public void Hold()
    {
        lock (_gate)
        {
            if (_holds++ == 0) _healed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        TaskCompletionSource? healed = null;
        lock (_gate)
        {
            if (_holds > 0 && --_holds == 0) (healed, _healed) = (_healed, null);
        }
        healed?.TrySetResult();
    }

    public void Delay(int maxMilliseconds)
    {
        lock (_gate) _maxDelayMilliseconds = maxMilliseconds;
    }

    public void Heal()
    {
        TaskCompletionSource? healed;
        lock (_gate)
        {
            (healed, _healed, _holds, _maxDelayMilliseconds) = (_healed, null, 0, 0);
        }
        healed?.TrySetResult();
    }

    /// <summary>What each chunk waits for: the end of a hold (always healed by the end of the run), then its delay.</summary>
    public ValueTask PaceAsync()
    {
        Task? held;
        int delay;
        lock (_gate)
        {
            held = _healed?.Task;
            delay = _maxDelayMilliseconds > 0 ? _random.Next(_maxDelayMilliseconds + 1) : 0;
        }
        return held is null && delay == 0 ? default : new ValueTask(WaitAsync(held, delay));
    }

    private static async Task WaitAsync(Task? held, int delay)
    {
        if (held is not null) await held.ConfigureAwait(false);
        if (delay > 0) await Task.Delay(delay).ConfigureAwait(false);
    }
}

/// <summary>A site's transport on the simulated network: its dials go through the <see cref="LinkTable"/>.</summary>
internal sealed class LinkTransport(ITransport inner, LinkTable links) : ITransport
{
    public string? LocalAddress => inner.LocalAddress;

    public ValueTask<string> ListenAsync(string address, Action<IFrameConnection> onAccepted, CancellationToken cancellationToken)
        => inner.ListenAsync(address, onAccepted, cancellationToken);

    public ValueTask<IFrameConnection> ConnectAsync(string address, CancellationToken cancellationToken) => links.Connect(inner, address, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
