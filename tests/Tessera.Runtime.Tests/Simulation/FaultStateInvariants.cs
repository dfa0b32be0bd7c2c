namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Once the network has healed, what each live site's fault state for each entity must settle to: PermFail
/// where the entity's home crashed, Ok where it lives (a [Cached] object may also be PermFail, when its state
/// was lost; the cached invariants judge that). TempFail must not outlast the heal by more than detection needs.
/// A site's current reference is judged: the one it took again, if it released one.
/// </summary>
internal static class FaultStateInvariants
{
    /// <summary>A crash hidden behind a partition is detected after the heal: the grace period, plus sweeps and redials.</summary>
    private static readonly TimeSpan SettleDeadline = SimWorld.Detection.PermFailGrace + TimeSpan.FromSeconds(2);

    public static async Task CheckAsync(SimWorld world, IReadOnlyDictionary<Protocol, IEntityReferences> entities, Findings findings)
    {
        var watched = (from pair in entities
                       let home = world.Scenario.Homes.Of(pair.Key)
                       from site in world.Live
                       where site != home || pair.Key == Protocol.Cached
                       let entity = pair.Value.CurrentOf(site)
                       where entity is not null
                       select (Protocol: pair.Key, Site: site, Home: home, Entity: entity)).ToList();
        // Each need settle once: on a loaded machine the detector may still flip a healthy link to TempFail and back.
        var unsettled = await Eventually.EachAsync(watched, w => Settled(world, w.Protocol, w.Home, Faults.StateOf(w.Entity)), SettleDeadline);
        foreach (var (protocol, site, home, entity) in unsettled)
        {
            var expected = world.IsDead(home) ? "PermFail (its home crashed)" : protocol == Protocol.Cached ? "Ok or PermFail" : "Ok";
            findings.Add($"fault state: s{site}'s {protocol.ToString().ToLowerInvariant()} entity (home s{home}) is still {Faults.StateOf(entity)} {SettleDeadline.TotalMilliseconds:0}ms after the heal; expected {expected}; {Describe(world, site, home)}");
        }
    }

    /// <summary>Both ends' view of the link between <paramref name="site"/> and <paramref name="home"/>, so a stuck state can be explained.</summary>
    private static string Describe(SimWorld world, int site, int home)
    {
        string View(int from, int to)
        {
            var peer = world.Sites[to].Identity;
            var health = world.Sites[from].Health.Get(peer);
            return $"s{from} sees s{to} {health.State} ({health.Reason}, failing since {health.FailingSince}), {world.Sites[from].Connections.Describe(peer)}";
        }

        return site == home ? "the site is the home" : $"{View(site, home)} | {View(home, site)}";
    }

    private static bool Settled(SimWorld world, Protocol protocol, int home, FaultState state) => world.IsDead(home)
        ? state == FaultState.PermFail
        : state == FaultState.Ok || state == FaultState.PermFail && protocol == Protocol.Cached;
}
