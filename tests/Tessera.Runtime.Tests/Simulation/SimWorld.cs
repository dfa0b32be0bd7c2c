using Tessera.Runtime.Tests.Sites;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// One run's sites on their own in-memory network, with the links between them, which sites have crashed,
/// and the run's log and clock. A crash is <see cref="Tessera.Transport.InMemory.InMemoryNetwork.KillTransport"/>:
/// the site's objects stay in this process, so the run stops issuing work there and judges what it does
/// afterwards as a dead process's, which nobody could have seen.
/// </summary>
internal sealed class SimWorld : IAsyncDisposable
{
    /// <summary>
    /// Fast detection, so a run takes hundreds of ms: TempFail after ~200 ms of silence, PermFail 300 ms after a reset.
    /// Not faster: with several runs at once, each site's sweeps and heartbeats are what keeps the thread pool busy.
    /// </summary>
    public static readonly FaultOptions Detection = new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(50),
        MinimumSilenceSlack = TimeSpan.FromMilliseconds(150),
        PermFailGrace = TimeSpan.FromMilliseconds(300),
    };

    /// <summary>Every call's deadline.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(1);

    private readonly SiteHarness _harness = new();
    private readonly int?[] _diedAtMs;

    private SimWorld(Scenario scenario)
    {
        Scenario = scenario;
        Links = new LinkTable(_harness.Network, scenario.Seed);
        _diedAtMs = new int?[scenario.Sites];
        Name = $"sim-{scenario.Seed}-{Guid.NewGuid():N}";
    }

    public Scenario Scenario { get; }

    /// <summary>Unique per run, even when one seed runs twice at once.</summary>
    public string Name { get; }

    public LinkTable Links { get; }

    public EventLog Log { get; } = new();

    public IReadOnlyList<Site> Sites => _harness.Sites;

    public IEnumerable<int> Live => Enumerable.Range(0, Scenario.Sites).Where(s => !IsDead(s));

    public Casualties Casualties
    {
        get
        {
            lock (_diedAtMs) return new Casualties(Enumerable.Range(0, _diedAtMs.Length).Where(s => _diedAtMs[s] is not null).ToDictionary(s => s, s => _diedAtMs[s]!.Value));
        }
    }

    public static async Task<SimWorld> StartAsync(Scenario scenario)
    {
        var world = new SimWorld(scenario);
        try
        {
            for (var i = 0; i < scenario.Sites; i++)
                await LinkedSites.StartAsync(world._harness, world.Links, Detection with { Detection = scenario.Modes[i] }, CallTimeout, new RuntimeLog(world.Log, i));
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Gives every site a reference to <paramref name="local"/>, made at <paramref name="home"/>: the object itself
    /// there, a proxy taken from <paramref name="ticket"/> elsewhere.
    /// </summary>
    public async Task<T[]> ShareAsync<T>(int home, T local, string ticket, Func<Site, string, Task<T>> take)
    {
        var references = new T[Scenario.Sites];
        for (var site = 0; site < references.Length; site++)
        {
            var taker = Sites[site];
            references[site] = site == home ? local : await SetUpAsync(() => take(taker, ticket));
        }
        return references;
    }

    /// <summary>
    /// One step of the setup, which comes before any scheduled fault. A loaded machine can still delay heartbeats
    /// past the silence bound, and a site in ThrowOnUse mode then refuses the step: it is tried again, a few times.
    /// </summary>
    public static async Task<T> SetUpAsync<T>(Func<Task<T>> step)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await step();
            }
            catch (TesseraException) when (attempt < 10)
            {
                await Task.Delay(50);
            }
        }
    }

    public bool IsDead(int site)
    {
        lock (_diedAtMs) return _diedAtMs[site] is not null;
    }

    public void Crash(int site)
    {
        lock (_diedAtMs)
        {
            if (_diedAtMs[site] is not null) return;
            // Marked before the transport dies: whatever the site reports from here on, it reports as a dead site.
            _diedAtMs[site] = Log.NowMs;
        }
        Log.Add($"crash s{site}");
        Links.Network.KillTransport(Sites[site].Address);
    }

    public void Hold(IEnumerable<(int A, int B)> links, bool hold)
    {
        foreach (var (a, b) in links)
        {
            var link = Links.Get(Sites[a].Address, Sites[b].Address);
            if (hold) link.Hold();
            else link.Release();
        }
    }

    public void Slow(IEnumerable<(int A, int B)> links, int maxDelayMs)
    {
        foreach (var (a, b) in links) Links.Get(Sites[a].Address, Sites[b].Address).Delay(maxDelayMs);
    }

    /// <summary>Heals every link and stops every site, waiting at most <paramref name="deadline"/>.</summary>
    /// <returns>What went wrong: sites that did not stop in time, or threw while stopping.</returns>
    public async Task<List<string>> StopAsync(TimeSpan deadline)
    {
        Links.HealAll();
        Overlap.Forget(Name);
        var stops = Sites.Select(site => site.DisposeAsync().AsTask()).ToArray();
        try
        {
            await Task.WhenAll(stops).WaitAsync(deadline);
        }
        catch
        {
            // Each stop is judged on its own below.
        }
        return stops.Select((stop, site) => stop.IsCompleted
                ? stop.IsFaulted ? $"s{site} threw while stopping: {stop.Exception!.InnerException}" : null
                : $"hang: s{site} did not stop within {deadline.TotalSeconds:0} s")
            .OfType<string>()
            .ToList();
    }

    public async ValueTask DisposeAsync() => await StopAsync(SiteHarness.StopDeadline);
}
