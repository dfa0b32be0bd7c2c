using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Tessera.Sites;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// The manager's chain repair: after a site in the chain is permanently failed, each of its entries is skipped if the
/// state had not left for it yet, and the state is declared lost only if it went there and no live site got it after.
/// </summary>
internal sealed partial class MigratoryManager
{
    /// <summary>
    /// Handles failed sites one at a time, earliest in the chain first: a dead site's predecessor may be dead too,
    /// and only once that one is skipped is the live site that holds the state the one to ask. Then places the
    /// requests that arrived meanwhile, in order, unless the tail is a dead site the repair could not decide about.
    /// </summary>
    private async Task RepairAsync()
    {
        var placed = new List<(Requester Entry, Requester Previous)>();
        var undecided = new Dictionary<SiteIdentity, SiteIdentity>();
        var deferred = new HashSet<(SiteIdentity Site, long Hop)>();
        var taken = new HashSet<SiteIdentity>();
        while (true)
        {
            SiteIdentity dead;
            lock (_gate)
            {
                if (!TryTakeEarliestFailedLocked(out dead))
                {
                    _repairing = false;
                    // Rebuilt from the chain: an entry that left it (a later request's hop proved it served) is history, and a
                    // site this repair took again is undecided now only if the repair left it so.
                    var earlier = _undecided.Where(entry => !taken.Contains(entry.Site)).ToHashSet();
                    _undecided.Clear();
                    foreach (var (requester, _) in _chain)
                    {
                        var entry = (requester.Site, requester.Hop);
                        if (undecided.ContainsKey(requester.Site) || earlier.Contains(entry)) _undecided.Add(entry);
                    }
                    // A loss has told the held requesters already; behind a dead tail still undecided they wait for the recheck's repair.
                    if (_lostReason is not null)
                    {
                        _held.Clear();
                    }
                    else if (!TailUndecidedLocked())
                    {
                        foreach (var (requester, lastHop) in _held)
                            if (PlaceLocked(requester, lastHop) is { } place) placed.Add(place);
                        _held.Clear();
                    }
                    break;
                }
                taken.Add(dead);
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

    private bool InChain(Requester requester)
    {
        lock (_gate) return _chain.Exists(e => e.Is(requester));
    }

    private bool TailUndecidedLocked() => _undecided.Contains((_tail.Site, _tail.Hop)) && _chain.Exists(e => e.Is(_tail));

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
            // Home holds the state at the dead site's own hop only if it was sent here in that site's place, by a predecessor
            // whose answer saying so was lost: home takes the place, whether or not that predecessor could answer now.
            if (successor is null && _home.LastHop == failed.Requester.Hop)
            {
                Skip(failed, _homeSite with { Hop = failed.Requester.Hop });
                continue;
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
            // Behind a dead predecessor this repair could not decide about, the state may not have got past either: it may
            // still be with that one's silent predecessor, so this site is undecided too, not judged by who came after.
            if (undecided.TryGetValue(failed.From.Site, out var silentBefore) && InChain(failed.From))
            {
                Settle(dead, Progress.Unknown, silentBefore, undecided);
                continue;
            }
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
