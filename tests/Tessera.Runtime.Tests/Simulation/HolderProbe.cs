using System.Reflection;
using Tessera.Infrastructure;
using Tessera.Protocols.Migratory;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Samples which live sites hold a [Cached] object's state, while the workload runs: at most one may, even while
/// no call runs. The sites are read one after another, so a move between two reads could show its sender and its
/// receiver both holding; hence each sample reads every site twice, and counts a site only if it held the state,
/// at the same hop, both times (a hop is new on every arrival, so it held it all along). The stretches two such
/// sites held it over overlap, so two of them in one sample are two holders at once. Every reference a site ever
/// held is read, released ones too: a site that released its reference and took the object again has two, and a
/// released one must never hold the state (Release is refused while it holds or awaits it). A dropped one is read until
/// the CLR collects it (the runtime keeps it while it holds or awaits the state), and never held here.
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
    private readonly IEntityReferences _counters;
    // A description, not the proxy: the probe must not keep a dropped proxy from being collected. A hop is new on every
    // arrival, so the description changes whenever the state moves.
    private string? _lastHolder;

    public HolderProbe(SimWorld world, IEntityReferences counters)
    {
        if (PresenceField is null || LostField is null)
            throw new InvalidOperationException("HolderProbe reads MigratoryProxy._presence and ._lostReason, which are gone: update the probe to the proxy's new fields.");
        _world = world;
        _counters = counters;
    }

    public int Samples { get; private set; }

    /// <summary>Samples that found exactly one holder: proof that the probe reads the proxies right.</summary>
    public int OneHolder { get; private set; }

    /// <summary>The first sample with two holders, or null.</summary>
    public string? DoubleHolder { get; private set; }

    /// <summary>The first sample in which a released reference held the state, or null.</summary>
    public string? ReleasedHolder { get; private set; }

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
        var proxies = _counters.Ever.Where(r => !_world.IsDead(r.Site)).Select(r => (r.Site, Proxy: ((ICachedObject)r.Reference).TesseraState)).ToArray();
        var first = proxies.Select(p => Read(p.Proxy)).ToArray();
        var second = proxies.Select(p => Read(p.Proxy)).ToArray();
        var holders = proxies.Where((_, i) => first[i] is { } hop && second[i] == hop).ToList();
        // A site that crashed meanwhile holds what it holds as a dead process: the state is lost with it, not doubled.
        holders.RemoveAll(h => _world.IsDead(h.Site));
        if (holders.Count == 1)
        {
            OneHolder++;
            // The state's travels, for the log of a failing run.
            var holder = Describe(holders[0]);
            if (_lastHolder != holder) _world.Log.Add($"holder {holder}");
            _lastHolder = holder;
        }
        if (holders.Count > 1 && DoubleHolder is null)
        {
            DoubleHolder = string.Join(" and ", holders.Select(Describe)) + " held the state at once";
            _world.Log.Add("HOLDERS " + DoubleHolder);
        }
        if (holders.FirstOrDefault(h => IsReleased(h.Proxy)) is { Proxy: not null } released && ReleasedHolder is null)
        {
            ReleasedHolder = $"{Describe(released)} held the state";
            _world.Log.Add("RELEASED HOLDER " + ReleasedHolder);
        }
    }

    private static bool IsReleased(MigratoryProxy proxy) => proxy.Handle?.IsReleased == true;

    private static string Describe((int Site, MigratoryProxy Proxy) holder)
        => $"s{holder.Site}{(IsReleased(holder.Proxy) ? "'s released reference" : "")} (hop {holder.Proxy.LastHop})";

    /// <returns>The hop at which the site got the state, if it holds it now.</returns>
    private static long? Read(MigratoryProxy proxy)
    {
        var hop = proxy.LastHop;
        var here = PresenceField!.GetValue(proxy)?.ToString() == "Here" && LostField!.GetValue(proxy) is null;
        return here && proxy.LastHop == hop ? hop : null;
    }
}
