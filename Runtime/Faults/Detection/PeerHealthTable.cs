using System;
using System.Collections.Concurrent;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace Tessera.FailureDetection;

/// <summary>
/// This site's view of every peer it has dealt with. Peers never heard of are presumed <see cref="FaultState.Ok"/>.
/// Permanently failed incarnations are remembered (up to a bound) so later references to them fail at once.
/// </summary>
internal sealed class PeerHealthTable
{
    private const int MaxRemembered = 4096;
    private readonly ConcurrentDictionary<SiteIdentity, PeerHealth> _peers = new();
    private readonly ILogger _logger;

    public PeerHealthTable(ILogger logger) => _logger = logger;

    /// <summary>A peer incarnation became PermFail. Raised once per incarnation.</summary>
    public event Action<SiteIdentity>? PeerFailed;

    /// <summary>Any peer changed state; for metrics and logs.</summary>
    public event Action<SiteIdentity, FaultState>? Transition;

    public FaultState StateOf(SiteIdentity peer) => _peers.TryGetValue(peer, out var health) ? health.State : FaultState.Ok;

    public PeerHealth Get(SiteIdentity peer)
    {
        if (_peers.TryGetValue(peer, out var health)) return health;
        if (_peers.Count >= MaxRemembered) Prune();
        return _peers.GetOrAdd(peer, static p => new PeerHealth(p));
    }

    public void Recover(SiteIdentity peer, string reason)
    {
        if (_peers.TryGetValue(peer, out var health) && health.TrySet(FaultState.Ok, reason)) Announce(peer, FaultState.Ok, reason);
    }

    public void Suspect(SiteIdentity peer, string reason, long failingSince = 0)
    {
        if (Get(peer).TrySet(FaultState.TempFail, reason, failingSince)) Announce(peer, FaultState.TempFail, reason);
    }

    public void Fail(SiteIdentity peer, string reason)
    {
        if (!Get(peer).TrySet(FaultState.PermFail, reason)) return;
        Announce(peer, FaultState.PermFail, reason);
        PeerFailed?.Invoke(peer);
    }

    /// <summary>Every other incarnation of <paramref name="current"/>'s id that this site knows is dead: epochs.</summary>
    public void FailOtherIncarnations(SiteIdentity current)
    {
        foreach (var known in _peers.Keys.Where(p => p.Id == current.Id && p.Incarnation != current.Incarnation).ToArray())
            Fail(known, $"site {current.Id:N} restarted as incarnation {current.Incarnation:x16}");
    }

    public PeerHealth[] Failing() => _peers.Values.Where(p => p.State == FaultState.TempFail && p.FailingSince != 0).ToArray();

    private void Announce(SiteIdentity peer, FaultState state, string reason)
    {
        if (state == FaultState.Ok) _logger.LogInformation("Site {Peer} is reachable again ({Reason}).", peer, reason);
        else _logger.LogWarning("Site {Peer} is {State}: {Reason}.", peer, state, reason);
        TesseraMetrics.FaultTransition(state.ToString());
        Transition?.Invoke(peer, state);
    }

    /// <summary>Forgets healthy peers first, then the oldest entries, so the table stays bounded.</summary>
    private void Prune()
    {
        foreach (var healthy in _peers.Where(p => p.Value.State == FaultState.Ok).Select(p => p.Key).ToArray()) _peers.TryRemove(healthy, out _);
        if (_peers.Count < MaxRemembered) return;
        foreach (var victim in _peers.Keys.Take(_peers.Count - MaxRemembered / 2).ToArray()) _peers.TryRemove(victim, out _);
    }
}
