using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
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
internal sealed partial class MigratoryManager
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

    // Chain entries of dead sites whose last repair was undecided, until a repair decides. While one is the tail, requests
    // wait as during a repair: a FORWARD to it would go nowhere, and the recheck must find nobody behind it to look for the
    // state where it can be, with its predecessor or at home (sent there with an answer the manager never heard). Entries,
    // not sites: a later request of the same site, alive after all, is not undecided.
    private readonly HashSet<(SiteIdentity Site, long Hop)> _undecided = new();
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
            if (lost is null && (_repairing || TailUndecidedLocked()))
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
}
