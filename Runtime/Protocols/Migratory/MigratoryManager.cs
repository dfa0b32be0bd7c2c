using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// The home site's manager of one <c>[Cached]</c> object. Every request comes here, in one order: the
/// manager tells the last requester (FORWARD) to hand the state to the new one, so the state visits the
/// requesters in the order their requests arrived and chains of forwards never grow.
/// </summary>
/// <remarks>
/// The manager is not told when the state moves (that would cost a message per move), so it keeps the
/// requesters not yet known to be served. Each request carries the hop at which its sender last got the
/// state, which marks every earlier requester as served: the chain holds at most one entry per site.
/// </remarks>
internal sealed class MigratoryManager
{
    private readonly Lock _gate = new();
    private readonly MigratoryProxy _home;
    private readonly MigratoryProtocol _protocol;
    private readonly List<Requester> _chain = new();
    private Requester _tail;
    private long _nextHop = 1;
    private string? _lostReason;

    public MigratoryManager(MigratoryProxy home, MigratoryProtocol protocol, Requester homeSite)
    {
        _home = home;
        _protocol = protocol;
        _tail = homeSite;
        _chain.Add(homeSite);
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
        Requester previous, entry;
        string? lost;
        lock (_gate)
        {
            lost = _lostReason;
            previous = _tail;
            entry = requester with { Hop = _nextHop };
            if (lost is null)
            {
                _nextHop++;
                _chain.RemoveAll(r => r.Hop <= lastHop || r.Site == requester.Site);
                _chain.Add(entry);
                _tail = entry;
            }
        }
        if (lost is not null) _protocol.SendLost(requester, _home.Key, lost);
        else if (previous.Site == _protocol.Self) _home.OnForward(entry);
        else _protocol.SendForward(previous, _home.Key, entry);
    }

    /// <summary>
    /// The connection to <paramref name="site"/> closed. If that site may still hold the state, find out
    /// whether the state got past it; if not, it is lost and every site waiting for it is told so.
    /// </summary>
    public void OnSiteDisconnected(SiteIdentity site)
    {
        Requester dead;
        List<Requester> others;
        lock (_gate)
        {
            if (_lostReason is not null || !_chain.Any(r => r.Site == site)) return;
            dead = _chain.First(r => r.Site == site);
            others = _chain.Where(r => r.Site != site && r.Site != _protocol.Self).ToList();
        }
        _ = DecideAsync(dead, others);
    }

    private async Task DecideAsync(Requester dead, List<Requester> others)
    {
        // The site may be alive behind a dropped connection: if it answers, nothing was lost.
        if (await _protocol.QueryLastHopAsync(dead, _home.Key).ConfigureAwait(false) is not null) return;
        var passed = _home.LastHop > dead.Hop;
        foreach (var other in others)
        {
            if (passed) break;
            passed = await _protocol.QueryLastHopAsync(other, _home.Key).ConfigureAwait(false) > dead.Hop;
        }
        // The state may have come home while the others were asked, from a site that has forgotten it since.
        passed = passed || _home.LastHop > dead.Hop;
        if (passed)
        {
            lock (_gate) _chain.Remove(dead);
            return;
        }
        DeclareLost($"site {dead.Site}, which held it or was queued for it, disconnected before handing it on");
    }

    /// <summary>Final: every requester in the chain is told, later requests are answered with the same news.</summary>
    public void DeclareLost(string reason)
    {
        List<Requester> told;
        lock (_gate)
        {
            if (_lostReason is not null) return;
            _lostReason = reason;
            told = _chain.Where(r => r.Site != _protocol.Self).ToList();
            _chain.Clear();
        }
        _protocol.OnLostAtHome(_home, reason);
        foreach (var requester in told) _protocol.SendLost(requester, _home.Key, reason);
    }
}
