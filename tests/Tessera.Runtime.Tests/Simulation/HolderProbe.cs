using System.Reflection;
using Tessera.Infrastructure;
using Tessera.Protocols.Migratory;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Samples which live sites hold a [Cached] object's state, while the workload runs: at most one may, even while
/// no call runs. The sites are read one after another, so a move between two reads could show its sender and its
/// receiver both holding; hence each sample reads every site twice, and counts a site only if it held the state,
/// at the same hop, both times (a hop is new on every arrival, so it held it all along). The stretches two such
/// sites held it over overlap, so two of them in one sample are two holders at once.
/// </summary>
/// <remarks>
/// The runtime has no accessor for "the state is here", so this reads MigratoryProxy's private fields, and says so
/// loudly if they are renamed rather than checking nothing.
/// </remarks>
internal sealed class HolderProbe
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo? PresenceField = typeof(MigratoryProxy).GetField("_presence", Private);
    private static readonly FieldInfo? LostField = typeof(MigratoryProxy).GetField("_lostReason", Private);
    private readonly SimWorld _world;
    private readonly MigratoryProxy[] _proxies;
    private int? _lastHolder;

    public HolderProbe(SimWorld world, IReadOnlyList<object> counters)
    {
        if (PresenceField is null || LostField is null)
            throw new InvalidOperationException("HolderProbe reads MigratoryProxy._presence and ._lostReason, which are gone: update the probe to the proxy's new fields.");
        _world = world;
        _proxies = counters.Select(c => ((ICachedObject)c).TesseraState).ToArray();
    }

    public int Samples { get; private set; }

    /// <summary>Samples that found exactly one holder: proof that the probe reads the proxies right.</summary>
    public int OneHolder { get; private set; }

    /// <summary>The first sample with two holders, or null.</summary>
    public string? DoubleHolder { get; private set; }

    /// <summary>Samples every few ms until <paramref name="done"/> completes.</summary>
    public async Task RunAsync(Task done)
    {
        while (!done.IsCompleted)
        {
            Sample();
            await Task.WhenAny(done, Task.Delay(3));
        }
    }

    private void Sample()
    {
        Samples++;
        var sites = _world.Live.ToArray();
        var first = sites.Select(Read).ToArray();
        var second = sites.Select(Read).ToArray();
        var holders = sites.Where((_, i) => first[i] is { } hop && second[i] == hop).ToList();
        // A site that crashed meanwhile holds what it holds as a dead process: the state is lost with it, not doubled.
        holders.RemoveAll(_world.IsDead);
        if (holders.Count == 1)
        {
            OneHolder++;
            // The state's travels, for the log of a failing run.
            if (_lastHolder != holders[0]) _world.Log.Add($"holder s{holders[0]} (hop {_proxies[holders[0]].LastHop})");
            _lastHolder = holders[0];
        }
        if (holders.Count > 1 && DoubleHolder is null)
        {
            DoubleHolder = string.Join(" and ", holders.Select(s => $"s{s} (hop {_proxies[s].LastHop})")) + " held the state at once";
            _world.Log.Add("HOLDERS " + DoubleHolder);
        }
    }

    /// <returns>The hop at which the site got the state, if it holds it now.</returns>
    private long? Read(int site)
    {
        var proxy = _proxies[site];
        var hop = proxy.LastHop;
        var here = PresenceField!.GetValue(proxy)?.ToString() == "Here" && LostField!.GetValue(proxy) is null;
        return here && proxy.LastHop == hop ? hop : null;
    }
}
