using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Sites;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// The home site's manager of one <c>[Cached]</c> object. Every request comes here, in one order: the
/// manager tells the last requester (FORWARD) to hand the state to the new one, so the state visits the
/// requesters in the order their requests arrived and chains of forwards never grow.
/// </summary>
/// <remarks>
/// The manager is not told when the state moves (that would cost a message per move), so it keeps the
/// requesters not yet known to be served. Each request carries the hop at which its sender last got the
/// state, which marks every earlier requester as served: the chain holds at most one unserved entry per site.
/// When a site in the chain is permanently failed, the manager skips it if the state had not left for it
/// yet, and declares the state lost only if the state went to it and no live site got it after.
/// </remarks>
internal sealed class MigratoryManager
{
    private readonly Lock _gate = new();
    private readonly MigratoryProxy _home;
    private readonly MigratoryProtocol _protocol;
    private readonly List<ChainEntry> _chain = new();
    private readonly List<SiteIdentity> _failed = new();
    private readonly List<(Requester Requester, long LastHop)> _held = new();

    // One recheck waits per dead site and silent site: every repair that finds the pair undecided again would
    // otherwise start another, and each would run its own repair when the silent site's health changes.
    private readonly HashSet<(SiteIdentity Dead, SiteIdentity Silent)> _rechecks = new();
    private readonly Requester _homeSite;
    private Requester _tail;
    private long _nextHop = 1;
    private string? _lostReason;
    private bool _repairing;

    public MigratoryManager(MigratoryProxy home, MigratoryProtocol protocol, Requester homeSite)
    {
        _home = home;
        _protocol = protocol;
        _homeSite = homeSite;
        _tail = homeSite;
        _chain.Add(new ChainEntry(homeSite, homeSite));
    }

    /// <summary>Whether a chain repair is under way: for tests and diagnostics.</summary>
    public bool Repairing
    {
        get
        {
            lock (_gate) return _repairing;
        }
    }

    /// <summary>Requesters not known to be served yet, for tests and diagnostics.</summary>
    public int ChainLength
    {
        get
        {
            lock (_gate) return _chain.Count;
        }
    }

    /// <summary>GET: <paramref name="requester"/> wants the state; <paramref name="lastHop"/> is when it last had it.</summary>
    public void OnRequest(Requester requester, long lastHop)
    {
        string? lost;
        (Requester Entry, Requester Previous)? placed = null;
        lock (_gate)
        {
            // The chain drops every entry up to lastHop as served: a hop never issued would drop sites that never had the
            // state. -1 is a site that never had it.
            if (lastHop < -1 || lastHop >= _nextHop)
                throw new ProtocolViolationException($"Site {requester.Site} asked for the state of object #{_home.Key:x16} as its holder since hop {lastHop}, a hop this home never gave.");
            lost = _lostReason;
            if (lost is null && _repairing)
            {
                // Placed once the dead site is skipped, so no FORWARD names a site about to leave the chain. A site has one
                // request at a time (a GET sent again replaces the first), which bounds what waits here.
                _held.RemoveAll(h => h.Requester.Site == requester.Site);
                _held.Add((requester, lastHop));
                return;
            }
            if (lost is null) placed = PlaceLocked(requester, lastHop);
        }
        if (lost is not null) _protocol.SendLost(requester, _home.Key, lost);
        else if (placed is { } place) Forward(place.Previous, place.Entry);
    }

    /// <summary><paramref name="site"/> is permanently failed: if it is in the chain, find out what became of the state.</summary>
    public void OnSiteFailed(SiteIdentity site)
    {
        lock (_gate)
        {
            if (_lostReason is not null || !_chain.Exists(e => e.Requester.Site == site)) return;
            _failed.Add(site);
            if (_repairing) return;
            _repairing = true;
        }
        _ = RepairAsync();
    }

    /// <summary>
    /// <paramref name="holder"/> holds the state for the requester at <paramref name="hop"/> and sees that site as
    /// permanently failed, though this site may not: it is skipped all the same, or the state would wait forever.
    /// </summary>
    public void OnUnreachable(SiteIdentity site, long hop, SiteIdentity holder)
    {
        if (site == holder)
        {
            OnLostAt(site, hop);
            return;
        }
        lock (_gate)
        {
            if (_lostReason is not null || !_chain.Exists(e => e.Requester.Site == site && e.Requester.Hop == hop && e.From.Site == holder)) return;
            _failed.Add(site);
            if (_repairing) return;
            _repairing = true;
        }
        _ = RepairAsync();
    }

    /// <summary>
    /// <paramref name="site"/>, which the chain says got the state at <paramref name="hop"/> and has not been known to
    /// hand it on, lost it there: nobody else has it, so it is lost for everyone.
    /// </summary>
    private void OnLostAt(SiteIdentity site, long hop)
    {
        lock (_gate)
        {
            if (_lostReason is not null || !_chain.Exists(e => e.Requester.Site == site && e.Requester.Hop == hop)) return;
        }
        DeclareLost($"site {site} got its state and could not keep it (it could not be decoded there, or encoded to move on)");
    }

    /// <summary>Final: every requester in the chain and every connected site is told; later requests get the same news.</summary>
    public void DeclareLost(string reason)
    {
        List<Requester> told;
        lock (_gate)
        {
            if (_lostReason is not null) return;
            _lostReason = reason;
            told = _chain.Select(e => e.Requester).Concat(_held.Select(h => h.Requester)).Where(r => r.Site != _protocol.Self).DistinctBy(r => r.Site).ToList();
            foreach (var entry in _chain) _protocol.ForgetForward(_home.Key, entry.Requester.Hop);
            _chain.Clear();
            _held.Clear();
        }
        _protocol.OnLostAtHome(_home, reason);
        _protocol.AnnounceLost(_home.Key, reason, told);
    }

    private (Requester Entry, Requester Previous)? PlaceLocked(Requester requester, long lastHop)
    {
        // A GET sent again because its connection dropped, after the first one had arrived: it has its place.
        if (_chain.Exists(e => e.Requester.Site == requester.Site && e.Requester.Hop > lastHop)) return null;
        foreach (var served in _chain.Where(e => e.Requester.Hop <= lastHop)) _protocol.ForgetForward(_home.Key, served.Requester.Hop);
        _chain.RemoveAll(e => e.Requester.Hop <= lastHop);
        var entry = requester with { Hop = _nextHop++ };
        var previous = _tail;
        _chain.Add(new ChainEntry(entry, previous));
        _tail = entry;
        return (entry, previous);
    }

    private void Forward(Requester holder, Requester successor)
    {
        if (holder.Site == _protocol.Self) _home.OnForward(successor);
        else _protocol.SendForward(holder, _home.Key, successor);
    }

    /// <summary>
    /// Handles failed sites one at a time, earliest in the chain first: a dead site's predecessor may be dead too,
    /// and only once that one is skipped is the live site that holds the state the one to ask. Then places the
    /// requests that arrived meanwhile, in order.
    /// </summary>
    private async Task RepairAsync()
    {
        var placed = new List<(Requester Entry, Requester Previous)>();
        var undecided = new Dictionary<SiteIdentity, SiteIdentity>();
        var deferred = new HashSet<(SiteIdentity Site, long Hop)>();
        while (true)
        {
            SiteIdentity dead;
            lock (_gate)
            {
                if (!TryTakeEarliestFailedLocked(out dead))
                {
                    _repairing = false;
                    if (_lostReason is null)
                    {
                        foreach (var (requester, lastHop) in _held)
                            if (PlaceLocked(requester, lastHop) is { } place) placed.Add(place);
                    }
                    _held.Clear();
                    break;
                }
            }
            try
            {
                await SkipAsync(dead, deferred, undecided).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Nothing here should throw; if it does, stranding the chain would hang every caller instead.
                DeclareLost($"the chain could not be repaired after site {dead} failed ({ex.GetType().Name}: {ex.Message})");
            }
        }
        foreach (var (entry, previous) in placed) Forward(previous, entry);
        foreach (var (dead, silent) in undecided)
        {
            bool first;
            lock (_gate) first = _rechecks.Add((dead, silent));
            if (first) _ = RecheckAsync(dead, silent);
        }
    }

    /// <summary>
    /// A repair could not tell how far the state got past <paramref name="dead"/>: <paramref name="silent"/>, which
    /// is not dead, did not answer. Once that site's health changes (or after the redial interval) the dead site is
    /// looked at again, until the chain no longer involves it, the state is lost, or this site stops.
    /// </summary>
    private async Task RecheckAsync(SiteIdentity dead, SiteIdentity silent)
    {
        await _protocol.WaitForChangeAsync(silent).ConfigureAwait(false);
        lock (_gate)
        {
            _rechecks.Remove((dead, silent));
            if (_protocol.IsStopped || _lostReason is not null || !_chain.Exists(e => e.Requester.Site == dead || e.From.Site == dead)) return;
            if (!_failed.Contains(dead)) _failed.Add(dead);
            if (_repairing) return;
            _repairing = true;
        }
        _ = RepairAsync();
    }

    private bool TryTakeEarliestFailedLocked(out SiteIdentity dead)
    {
        dead = default;
        if (_failed.Count == 0) return false;
        dead = _failed.MinBy(site => _chain.FindIndex(e => e.Requester.Site == site) is var at and >= 0 ? _chain[at].Requester.Hop : long.MaxValue);
        _failed.Remove(dead);
        return true;
    }

    /// <param name="dead">A failed site in the chain.</param>
    /// <param name="deferred">Entries already put back once behind a dead predecessor in this repair: each waits at most
    /// once, so a repair ends even when the hops of dead sites do not order them the way the chain does.</param>
    /// <param name="undecided">Where a dead site whose fate of the state a silent live site leaves open is noted, with that site.</param>
    private async Task SkipAsync(SiteIdentity dead, HashSet<(SiteIdentity Site, long Hop)> deferred, Dictionary<SiteIdentity, SiteIdentity> undecided)
    {
        // Every request of the dead site still in the chain, earliest first: a site that got the state, handed it
        // on and asked again has one entry per request.
        var judged = new HashSet<long>();
        while (true)
        {
            ChainEntry failed;
            Requester? successor;
            lock (_gate)
            {
                if (_lostReason is not null) return;
                var index = _chain.FindIndex(e => e.Requester.Site == dead && !judged.Contains(e.Requester.Hop));
                if (index < 0) break;
                failed = _chain[index];
                var next = _chain.FindIndex(e => e.FollowsOn(failed.Requester));
                successor = next < 0 ? null : _chain[next].Requester;
            }
            var rerouted = await _protocol.Inquiries.RerouteAsync(_home, failed.From, failed.Requester.Hop, successor).ConfigureAwait(false);
            if (rerouted == true)
            {
                Skip(failed);
                continue;
            }
            // Nobody follows the dead site, so the state would stay with its predecessor, which can say no only because
            // it released its reference after handing the state on: the state comes home instead, in the dead site's place.
            if (rerouted == false && successor is null && failed.From.Site != _protocol.Self)
            {
                var home = _homeSite with { Hop = failed.Requester.Hop };
                // Already here: an earlier repair asked, and its answer was lost.
                rerouted = _home.LastHop == home.Hop ? true : await _protocol.Inquiries.RerouteAsync(_home, failed.From, home.Hop, home).ConfigureAwait(false);
                if (rerouted == true)
                {
                    Skip(failed, home);
                    continue;
                }
            }
            judged.Add(failed.Requester.Hop);
            // The predecessor, alive, did not answer: it may still hold the state it was to hand the dead site.
            if (rerouted is null && !_protocol.IsPermFail(failed.From.Site))
            {
                Settle(dead, Progress.Unknown, failed.From.Site, undecided);
                continue;
            }
            if (deferred.Add((failed.Requester.Site, failed.Requester.Hop)) && WaitsBehindDeadPredecessor(failed)) return;
            var (progress, silent) = await ProgressPastAsync(failed.Requester.Hop).ConfigureAwait(false);
            if (progress == Progress.Past)
            {
                lock (_gate) _chain.RemoveAll(e => e.Is(failed.Requester));
                continue;
            }
            if (Settle(dead, progress, silent, undecided)) return;
        }
        await CheckHandedOnAsync(dead, judged, undecided).ConfigureAwait(false);
    }

    /// <summary>
    /// A live requester that the dead site was to hand the state to, after the dead site's own request was served
    /// (it reported having had the state by asking again, or a later site got past it): if every later site that
    /// is not dead says it never had the state since, it died with the dead site, and whoever waits for it would
    /// otherwise wait for nothing. A site that does not answer may be cut off from the home and hold the state, so
    /// then nothing is declared: a partition loses nothing.
    /// </summary>
    /// <param name="dead">The failed site.</param>
    /// <param name="judged">Hops of the dead site whose progress this repair has asked about already.</param>
    /// <param name="undecided">Where the dead site is noted if a silent live site leaves the answer open.</param>
    private async Task CheckHandedOnAsync(SiteIdentity dead, HashSet<long> judged, Dictionary<SiteIdentity, SiteIdentity> undecided)
    {
        ChainEntry waiting;
        lock (_gate)
        {
            var index = _chain.FindIndex(e => e.From.Site == dead);
            if (_lostReason is not null || index < 0 || judged.Contains(_chain[index].From.Hop)) return;
            waiting = _chain[index];
        }
        var (progress, silent) = await ProgressPastAsync(waiting.From.Hop).ConfigureAwait(false);
        if (progress != Progress.Past) Settle(dead, progress, silent, undecided);
    }

    /// <summary>
    /// Acts on a progress that is not <see cref="Progress.Past"/>. Unknown: a site that is not dead did not answer;
    /// cut off from the home, it may hold the state, so nothing is declared (a partition loses nothing) and it is
    /// noted, to ask again. NotPast: the state left for the dead site and no live site got it after; the dead site
    /// may have read it and run calls whose results were seen, so no copy of what it was sent may carry on, and the
    /// state is lost. A stopping site, whose questions go unanswered, decides nothing.
    /// </summary>
    /// <returns>True when the repair of <paramref name="dead"/> is over.</returns>
    private bool Settle(SiteIdentity dead, Progress progress, SiteIdentity silent, Dictionary<SiteIdentity, SiteIdentity> undecided)
    {
        if (progress == Progress.Unknown)
        {
            undecided[dead] = silent;
            return false;
        }
        if (!_protocol.IsStopped) DeclareLost($"site {dead}, which held it or was being handed it, failed before handing it on");
        return true;
    }

    /// <summary>
    /// The site that was to hand the state to the dead one is dead too, and still in the chain: once it is skipped,
    /// the dead one's predecessor is whoever was to hand it the state, which is the one to ask.
    /// </summary>
    private bool WaitsBehindDeadPredecessor(ChainEntry failed)
    {
        var before = failed.From.Site;
        if (!_protocol.IsPermFail(before)) return false;
        lock (_gate)
        {
            // Only that very entry: a later request of the same site does not stand between the state and the dead one.
            if (!_chain.Exists(e => e.Is(failed.From))) return false;
            if (!_failed.Contains(before)) _failed.Add(before);
            _failed.Add(failed.Requester.Site);
        }
        return true;
    }

    /// <summary>Takes <paramref name="failed"/> out of the chain, or puts home in its place when the state goes there instead.</summary>
    private void Skip(ChainEntry failed, Requester? home = null)
    {
        lock (_gate)
        {
            var at = _chain.FindIndex(e => e.Is(failed.Requester));
            if (home is { } instead && at >= 0) _chain[at] = new ChainEntry(instead, failed.From);
            else _chain.RemoveAll(e => e.Is(failed.Requester));
            var next = _chain.FindIndex(e => e.FollowsOn(failed.Requester));
            if (next >= 0) _chain[next] = _chain[next] with { From = home ?? failed.From };
            if (failed.Is(_tail)) _tail = home ?? failed.From;
        }
        _protocol.ForgetForward(_home.Key, failed.Requester.Hop);
        _protocol.OnSkipped(_home, failed.Requester, failed.From);
    }

    /// <summary>How far the state got past the hop of a dead site, as the later requesters answer.</summary>
    /// <returns>The progress, and for <see cref="Progress.Unknown"/> a live site that did not answer.</returns>
    private async Task<(Progress Progress, SiteIdentity Silent)> ProgressPastAsync(long deadHop)
    {
        if (_home.LastHop > deadHop) return (Progress.Past, default);
        List<Requester> later;
        lock (_gate) later = _chain.Select(e => e.Requester).Where(r => r.Hop > deadHop && r.Site != _protocol.Self).DistinctBy(r => r.Site).ToList();
        var answers = await Task.WhenAll(later.Select(r => _protocol.Inquiries.QueryLastHopAsync(r, _home.Key))).ConfigureAwait(false);
        // The state may have come home while the others were asked, from a site that has forgotten it since.
        if (answers.Any(hop => hop > deadHop) || _home.LastHop > deadHop) return (Progress.Past, default);
        var unanswered = later.Where((requester, i) => answers[i] is null && !_protocol.IsPermFail(requester.Site)).Select(r => r.Site).ToList();
        return unanswered.Count > 0 ? (Progress.Unknown, unanswered[0]) : (Progress.NotPast, default);
    }

    private enum Progress
    {
        Past,
        NotPast,

        /// <summary>Nobody said the state got past, but a site that is not dead did not answer.</summary>
        Unknown,
    }
}
