using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.Infrastructure;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// A site's part in the migratory protocol: routes GET, FORWARD, TOKEN and failure messages to the
/// proxies and managers they concern, and sends them. A move costs at most three messages (GET to the
/// manager, FORWARD to the holder, TOKEN to the requester), two when the home is one end, none when the
/// state is already here. GET, FORWARD and TOKEN go through the <see cref="Outbox"/>, so a dropped
/// connection delays a move but loses nothing; only a permanently failed site can take the state with it.
/// </summary>
internal sealed class MigratoryProtocol
{
    private readonly Site _site;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ulong, MigratoryProxy> _homes = new();

    // Strong references to imported proxies that hold or await a state, so it cannot be collected mid-move.
    private readonly ConcurrentDictionary<(SiteIdentity Home, ulong Key), MigratoryProxy> _active = new();

    // How far a proxy here got with each state, kept from when it was released or stopped holding and awaiting the state
    // (from then on the CLR may collect it), for any proxy made here again for the object. The manager keeps a served
    // request in its chain until a GET says it was served, and takes a GET claiming an earlier hop for the first one sent
    // again: a fresh proxy's "never had it" was ignored. And a repair asks this site to void a forward to a dead
    // successor: a fresh proxy awaiting the state knew nothing of the forward the old one had acted on, so it voided it,
    // and a state that died with that successor was never declared lost.
    private readonly ConcurrentDictionary<(SiteIdentity Home, ulong Key), ProxyProgress> _progress = new();

    /// <summary>Objects whose progress a site remembers at most; past it, a sixteenth of them, any, is forgotten.</summary>
    internal const int MaxRememberedProgress = 65_536;

    public MigratoryProtocol(Site site, ILogger logger)
    {
        _site = site;
        _logger = logger;
        Outbox = new Outbox(site, logger);
        Outbox.Stranded += OnStranded;
        Inquiries = new ChainInquiries(site, this, logger);
    }

    public SiteIdentity Self => _site.Identity;

    /// <summary>Imported proxies that hold or await a state: for tests and diagnostics.</summary>
    public int ActiveCount => _active.Count;

    public Outbox Outbox { get; }

    public ChainInquiries Inquiries { get; }

    public void RegisterHome(MigratoryProxy home) => _homes[home.Key] = home;

    public void UnregisterHome(MigratoryProxy home, ulong key) => _homes.TryRemove(new(key, home));

    public void Activate(MigratoryProxy proxy)
    {
        if (proxy.Handle is not null) _active[(proxy.Home, proxy.Key)] = proxy;
    }

    /// <summary>
    /// An imported proxy got this far with the state and was released (RemoteReference.Release), or stopped holding
    /// and awaiting it, so the CLR may collect it before it is used again.
    /// </summary>
    public void Remember(SiteIdentity home, ulong key, ProxyProgress progress)
    {
        if (progress == ProxyProgress.None) return;
        // A program that drops objects it never takes again would otherwise grow this without bound. Forgetting one
        // costs only a later proxy for that object the old behaviour (see the field's comment), and only if it comes back.
        if (!_progress.ContainsKey((home, key)) && _progress.Count >= MaxRememberedProgress)
        {
            foreach (var forgotten in _progress.Keys.Take(MaxRememberedProgress / 16)) _progress.TryRemove(forgotten, out _);
        }
        _progress.AddOrUpdate((home, key), static (_, progress) => progress, static (_, known, progress) => known.Max(progress), progress);
    }

    /// <summary>Where a new proxy for (<paramref name="home"/>, <paramref name="key"/>) starts: where the one before it here left off.</summary>
    /// <remarks>
    /// Read, not taken: the new proxy may be collected without ever holding or awaiting the state, so without calling
    /// <see cref="Remember"/>, and the one after it needs the same start. Keeping it is safe, as progress only grows for a
    /// (home, key): a home that restarts is another incarnation, and an object shared again gets a new key.
    /// </remarks>
    public ProxyProgress Remembered(SiteIdentity home, ulong key) => _progress.GetValueOrDefault((home, key), ProxyProgress.None);

    public void Deactivate(MigratoryProxy proxy)
    {
        _active.TryRemove(new((proxy.Home, proxy.Key), proxy));
        Outbox.Forget(new ParcelKey(proxy.Home, proxy.Key, MessageKind.Get));
    }

    /// <summary>This site's object for (<paramref name="home"/>, <paramref name="key"/>): the home object, or a proxy that is active or still referenced.</summary>
    public MigratoryProxy? Find(SiteIdentity home, ulong key)
    {
        if (home == Self) return _homes.GetValueOrDefault(key);
        return _active.TryGetValue((home, key), out var active) ? active : (_site.References.FindImport(home, key) as ICachedObject)?.TesseraState;
    }

    public void OnRequest(PeerConnection from, StateRequest request)
    {
        var requester = new Requester(from.Peer, ImmutableArray.Create(request.RequesterHints), 0);
        if (_homes.TryGetValue(request.ObjectKey, out var home) && home.Manager is { } manager) manager.OnRequest(requester, request.LastHop);
        else SendLost(requester, request.ObjectKey, "this site does not export it");
    }

    public void OnForward(PeerConnection from, StateForward forward)
    {
        var successor = new Requester(new SiteIdentity(forward.SuccessorSiteId, forward.SuccessorIncarnation), ImmutableArray.Create(forward.SuccessorHints), forward.Hop);
        if (Find(from.Peer, forward.ObjectKey) is { } proxy) proxy.OnForward(successor);
        else _logger.LogWarning("Site {Home} forwarded a request for object #{Key:x16} to this site, which no longer has a reference to it.", from.Peer, forward.ObjectKey);
    }

    public void OnToken(PeerConnection from, StateToken token)
    {
        var home = new SiteIdentity(token.HomeSiteId, token.HomeIncarnation);
        // A state newer than any this site had is kept even if nobody here waits for it any more (a request
        // overtaken by a skip can bring it back): dropping it would lose it without anybody knowing.
        if (Find(home, token.ObjectKey) is not { } proxy)
            _logger.LogWarning("Site {Sender} sent the state of object #{Key:x16} of {Home} (hop {Hop}) to this site, which no longer has a reference to it.", from.Peer, token.ObjectKey, home, token.Hop);
        else if (!Accept(proxy, token.Hop, token.State))
            _logger.LogDebug("Site {Sender} sent the state of object #{Key:x16} of {Home} (hop {Hop}) again; this site already had it.", from.Peer, token.ObjectKey, home, token.Hop);
    }

    /// <summary>Restores an arriving state; what this site sent or asked for before is then history.</summary>
    public bool Accept(MigratoryProxy proxy, long hop, byte[] state)
    {
        var (sentKey, askedKey) = (new ParcelKey(proxy.Home, proxy.Key, MessageKind.Token), new ParcelKey(proxy.Home, proxy.Key, MessageKind.Get));
        // Only the parcels from before: a site with no call waiting and a FORWARD here hands the state on inside
        // OnToken, and the token (or a new GET) it sends then must stay in the outbox to be sent again or rerouted.
        var (sentBefore, askedBefore) = (Outbox.Find(sentKey), Outbox.Find(askedKey));
        if (!proxy.OnToken(hop, state)) return false;
        Outbox.Forget(sentKey, sentBefore);
        Outbox.Forget(askedKey, askedBefore);
        return true;
    }

    /// <summary>The manager declared the state lost: this site's reference is PermFail, whether it holds, awaits or merely has it.</summary>
    public void OnLost(PeerConnection from, StateLost lost)
    {
        if (Find(from.Peer, lost.ObjectKey) is { } proxy) proxy.Lose(lost.Reason);
        else _logger.LogDebug("Site {Home} reported object #{Key:x16} lost: {Reason}", from.Peer, lost.ObjectKey, lost.Reason);
    }

    /// <summary>A holder cannot reach the next requester, which the home may still see alive: the manager skips it.</summary>
    public void OnUnreachable(PeerConnection from, StateUnreachable unreachable)
    {
        if (_homes.TryGetValue(unreachable.ObjectKey, out var home))
            home.Manager?.OnUnreachable(new SiteIdentity(unreachable.SiteId, unreachable.SiteIncarnation), unreachable.Hop, from.Peer);
    }

    /// <summary>A connection closed: what went out on it and may not have arrived goes out again once the peer is back.</summary>
    public void OnConnectionClosed(SiteIdentity peer) => Outbox.OnDisconnected(peer);

    /// <summary>
    /// <paramref name="peer"/> is permanently failed. Objects homed there are PermFail here; objects homed here
    /// skip it, or are lost if it took their state with it.
    /// </summary>
    public void OnPeerFailed(SiteIdentity peer)
    {
        Outbox.OnPeerFailed(peer);
        foreach (var ((home, _), proxy) in _active)
        {
            if (home == peer) proxy.Lose($"its home site {peer} failed");
        }
        // After the losses: a proxy that loses its state remembers its progress as it stops.
        foreach (var forgotten in _progress.Keys.Where(k => k.Home == peer)) _progress.TryRemove(forgotten, out _);
        foreach (var home in _homes.Values) home.Manager?.OnSiteFailed(peer);
    }

    /// <summary>
    /// This site got the state at <paramref name="hop"/> and lost it (it could not be decoded, or encoded to move on):
    /// the manager is told, as a <see cref="StateUnreachable"/> that names this site itself, so it declares the state
    /// lost for everyone instead of forwarding requests to a site that has nothing to hand on.
    /// </summary>
    public void ReportLost(MigratoryProxy proxy, long hop)
    {
        if (proxy.Home == Self) return;
        var report = new StateUnreachable { ObjectKey = proxy.Key, SiteId = Self.Id, SiteIncarnation = Self.Incarnation, Hop = hop };
        Outbox.Send(new ParcelKey(proxy.Home, proxy.Key, MessageKind.StateUnreachable, hop), proxy.Home, proxy.HomeHints, report);
    }

    public void SendRequest(MigratoryProxy proxy, long lastHop)
    {
        var request = new StateRequest { ObjectKey = proxy.Key, RequesterHints = _site.EndpointHints.ToArray(), LastHop = lastHop };
        Outbox.Send(new ParcelKey(proxy.Home, proxy.Key, MessageKind.Get), proxy.Home, proxy.HomeHints, request);
    }

    public void SendForward(Requester holder, ulong key, Requester successor)
    {
        var forward = new StateForward
        {
            ObjectKey = key,
            SuccessorSiteId = successor.Site.Id,
            SuccessorIncarnation = successor.Site.Incarnation,
            SuccessorHints = successor.WireHints,
            Hop = successor.Hop,
        };
        Outbox.Send(new ParcelKey(Self, key, MessageKind.Forward, successor.Hop), holder.Site, holder.Hints, forward);
    }

    /// <summary>The FORWARD naming the requester at <paramref name="hop"/> was acted on (or voided): it need not go out again.</summary>
    public void ForgetForward(ulong key, long hop) => Outbox.Forget(new ParcelKey(Self, key, MessageKind.Forward, hop));

    /// <summary>Registers the state leaving for <paramref name="successor"/>; <see cref="SendToken(MigratoryProxy, Parcel)"/> sends it.</summary>
    public Parcel HoldToken(MigratoryProxy proxy, Requester successor, byte[] state) => HoldToken(proxy.Home, proxy.Key, successor, state, proxy.LastHop);

    public Parcel HoldToken(SiteIdentity home, ulong key, Requester successor, byte[] state, long senderLastHop)
    {
        var token = new StateToken { HomeSiteId = home.Id, HomeIncarnation = home.Incarnation, ObjectKey = key, Hop = successor.Hop, State = state };
        _logger.LogDebug("Handing the state of object #{Key:x16} of {Home} to {Successor} (hop {Hop}).", key, home, successor.Site, successor.Hop);
        var parcel = new Parcel(successor.Site, successor.Hints, token, keepIfStranded: true, senderLastHop);
        return Outbox.Hold(new ParcelKey(home, key, MessageKind.Token), parcel);
    }

    public void SendToken(MigratoryProxy proxy, Parcel token) => Outbox.Deliver(new ParcelKey(proxy.Home, proxy.Key, MessageKind.Token), token);

    public void SendToken(SiteIdentity home, ulong key, Requester successor, byte[] state, long senderLastHop)
        => Outbox.Deliver(new ParcelKey(home, key, MessageKind.Token), HoldToken(home, key, successor, state, senderLastHop));

    /// <summary>Sent once: a requester that misses it asks again when its GET goes out again, and gets the same answer.</summary>
    public void SendLost(Requester requester, ulong key, string reason) => _ = SendLostAsync(requester, new StateLost { ObjectKey = key, Reason = reason });

    /// <summary>Tells the requesters in the chain, and every other site connected now, that the state is lost.</summary>
    public void AnnounceLost(ulong key, string reason, IReadOnlyCollection<Requester> chain)
    {
        foreach (var requester in chain) SendLost(requester, key, reason);
        foreach (var connection in _site.Connections.Established())
        {
            if (!chain.Any(r => r.Site == connection.Peer)) connection.Post(new StateLost { ObjectKey = key, Reason = reason });
        }
    }

    public void OnLostAtHome(MigratoryProxy home, string reason)
    {
        _logger.LogWarning("The state of {Object} is lost: {Reason}", home, reason);
        home.Lose(reason);
    }

    private void OnStranded(ParcelKey key, Parcel parcel)
    {
        var hop = ((StateToken)parcel.Message).Hop;
        _logger.LogInformation("Site {Peer} failed before the state of object #{Key:x16} of {Home} could leave for it; asking the manager to skip it.", parcel.To, key.Key, key.Home);
        if (key.Home == Self)
        {
            if (_homes.TryGetValue(key.Key, out var homeObject)) homeObject.Manager?.OnUnreachable(parcel.To, hop, Self);
            return;
        }
        var report = new StateUnreachable { ObjectKey = key.Key, SiteId = parcel.To.Id, SiteIncarnation = parcel.To.Incarnation, Hop = hop };
        Outbox.Send(key with { Kind = MessageKind.StateUnreachable, Hop = hop }, key.Home, Find(key.Home, key.Key)?.HomeHints ?? default, report);
    }

    private async Task SendLostAsync(Requester requester, StateLost lost)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_site.Options.DefaultCallTimeout, _site.Options.TimeProvider);
            var connection = await _site.Connections.GetAsync(requester.Site, requester.Hints.IsDefault ? ImmutableArray<string>.Empty : requester.Hints, deadline.Token).ConfigureAwait(false);
            await connection.SendAsync(lost, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug("Could not tell site {Site} that object #{Key:x16} is lost: {Reason}", requester.Site, lost.ObjectKey, ex.Message);
        }
    }

    public bool IsPermFail(SiteIdentity site) => _site.Health.StateOf(site) == FaultState.PermFail;

    public bool IsStopped => _site.IsStopped;

    /// <summary>Until <paramref name="peer"/>'s health changes, or the redial interval at most.</summary>
    public Task WaitForChangeAsync(SiteIdentity peer) => PeerWait.ChangeOrRetryAsync(_site, peer, CancellationToken.None);

    /// <summary>
    /// The state skipped <paramref name="skipped"/>. If the home still sees that site alive (only its predecessor
    /// gave up on it), it is told its reference is PermFail, so its calls end instead of waiting for nothing.
    /// </summary>
    public void OnSkipped(MigratoryProxy home, Requester skipped, Requester from)
    {
        _logger.LogInformation("Site {Skipped} failed, as site {From} sees it, before the state of {Object} reached it; the state skips it.", skipped.Site, from.Site, home);
        if (!IsPermFail(skipped.Site))
            SendLost(skipped, home.Key, $"site {from.Site}, which was to hand it the state, cannot reach this site");
    }
}

/// <summary>How far a proxy got: the hop at which it last got the state, and the last forward it acted on.</summary>
internal readonly record struct ProxyProgress(long LastHop, long ForwardFloor)
{
    /// <summary>A proxy that never had the state, nor handed it on.</summary>
    public static readonly ProxyProgress None = new(-1, 0);

    public ProxyProgress Max(ProxyProgress other) => new(Math.Max(LastHop, other.LastHop), Math.Max(ForwardFloor, other.ForwardFloor));
}
