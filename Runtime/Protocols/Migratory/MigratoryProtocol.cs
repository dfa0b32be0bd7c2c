using System;
using System.Collections.Concurrent;
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
/// state is already here.
/// </summary>
internal sealed class MigratoryProtocol
{
    private readonly Site _site;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ulong, MigratoryProxy> _homes = new();

    // Strong references to imported proxies that hold or await a state, so it cannot be collected mid-move.
    private readonly ConcurrentDictionary<(SiteIdentity Home, ulong Key), MigratoryProxy> _active = new();

    public MigratoryProtocol(Site site, ILogger logger)
    {
        _site = site;
        _logger = logger;
    }

    public SiteIdentity Self => _site.Identity;

    /// <summary>Imported proxies that hold or await a state: for tests and diagnostics.</summary>
    public int ActiveCount => _active.Count;

    public void RegisterHome(MigratoryProxy home) => _homes[home.Key] = home;

    public void UnregisterHome(MigratoryProxy home, ulong key) => _homes.TryRemove(new(key, home));

    public void Activate(MigratoryProxy proxy)
    {
        if (proxy.IsImported) _active[(proxy.Home, proxy.Key)] = proxy;
    }

    public void Deactivate(MigratoryProxy proxy) => _active.TryRemove(new((proxy.Home, proxy.Key), proxy));

    public void OnRequest(PeerConnection from, StateRequest request)
    {
        if (!_homes.TryGetValue(request.ObjectKey, out var home) || home.Manager is not { } manager)
        {
            SendLost(new Requester(from.Peer, ImmutableArray.Create(request.RequesterHints), 0), request.ObjectKey, "this site does not export it");
            return;
        }
        manager.OnRequest(new Requester(from.Peer, ImmutableArray.Create(request.RequesterHints), 0), request.LastHop);
    }

    public void OnForward(PeerConnection from, StateForward forward)
    {
        var successor = new Requester(new SiteIdentity(forward.SuccessorSiteId, forward.SuccessorIncarnation), ImmutableArray.Create(forward.SuccessorHints), forward.Hop);
        if (_active.TryGetValue((from.Peer, forward.ObjectKey), out var proxy)) proxy.OnForward(successor);
        else _logger.LogWarning("Site {Home} forwarded a request for object #{Key:x16}, which this site neither holds nor awaits.", from.Peer, forward.ObjectKey);
    }

    public void OnToken(PeerConnection from, StateToken token)
    {
        var home = new SiteIdentity(token.HomeSiteId, token.HomeIncarnation);
        var found = home == Self ? _homes.TryGetValue(token.ObjectKey, out var proxy) : _active.TryGetValue((home, token.ObjectKey), out proxy);
        if (!found || proxy is null)
        {
            _logger.LogWarning("Site {Sender} sent the state of object #{Key:x16} of {Home}, which this site does not await; dropped.", from.Peer, token.ObjectKey, home);
            return;
        }
        _logger.LogDebug("The state of {Object} arrived from {Sender} (hop {Hop}).", proxy, from.Peer, token.Hop);
        proxy.OnToken(token.Hop, token.State);
    }

    public void OnLost(PeerConnection from, StateLost lost)
    {
        if (_active.TryGetValue((from.Peer, lost.ObjectKey), out var proxy)) proxy.Lose(lost.Reason);
        else _logger.LogDebug("Site {Home} reported object #{Key:x16} lost: {Reason}", from.Peer, lost.ObjectKey, lost.Reason);
    }

    /// <summary>
    /// The manager asks which hop this site last received. A site that handed the state on is no longer
    /// active, but its answer is what proves the state got past a dead site while the token is in flight,
    /// so it is looked up among the imports too.
    /// </summary>
    public void OnQuery(PeerConnection from, StateQuery query)
    {
        var home = new SiteIdentity(query.HomeSiteId, query.HomeIncarnation);
        var proxy = _active.TryGetValue((home, query.ObjectKey), out var active)
            ? active
            : (_site.References.FindImport(home, query.ObjectKey) as ICachedObject)?.TesseraState;
        _ = ReplyAsync(from, new StateQueryReply { RequestId = query.RequestId, LastHop = proxy?.LastHop ?? -1 });
    }

    /// <summary>
    /// The connection to <paramref name="peer"/> closed. Objects homed there are lost to this site; objects
    /// homed here ask whether their state went down with it.
    /// </summary>
    public void OnPeerDisconnected(SiteIdentity peer)
    {
        foreach (var ((home, _), proxy) in _active)
        {
            if (home == peer) proxy.Lose($"the connection to its home site {peer} closed");
        }
        foreach (var home in _homes.Values) home.Manager?.OnSiteDisconnected(peer);
    }

    public void SendRequest(MigratoryProxy proxy, long lastHop)
    {
        var request = new StateRequest { ObjectKey = proxy.Key, RequesterHints = _site.EndpointHints.ToArray(), LastHop = lastHop };
        _ = RequestAsync(proxy, request);
    }

    public void SendForward(Requester holder, ulong key, Requester successor)
    {
        var forward = new StateForward
        {
            ObjectKey = key,
            SuccessorSiteId = successor.Site.Id,
            SuccessorIncarnation = successor.Site.Incarnation,
            SuccessorHints = successor.Hints.IsDefault ? Array.Empty<string>() : successor.Hints.ToArray(),
            Hop = successor.Hop,
        };
        _ = SendAsync(holder.Site, holder.Hints, forward, "a forward");
    }

    public void SendToken(MigratoryProxy proxy, Requester successor, byte[] state)
    {
        var token = new StateToken { HomeSiteId = proxy.Home.Id, HomeIncarnation = proxy.Home.Incarnation, ObjectKey = proxy.Key, Hop = successor.Hop, State = state };
        _logger.LogDebug("Handing the state of {Object} to {Successor} (hop {Hop}).", proxy, successor.Site, successor.Hop);
        _ = TokenAsync(proxy, successor, token);
    }

    public void SendLost(Requester requester, ulong key, string reason)
        => _ = SendAsync(requester.Site, requester.Hints, new StateLost { ObjectKey = key, Reason = reason }, "a state-lost notice");

    public void OnLostAtHome(MigratoryProxy home, string reason)
    {
        _logger.LogWarning("The state of {Object} is lost: {Reason}", home, reason);
        home.Lose(reason);
    }

    /// <summary>Which hop <paramref name="requester"/> last received, or null if it does not answer by the deadline.</summary>
    public async Task<long?> QueryLastHopAsync(Requester requester, ulong key)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_site.Options.DefaultCallTimeout, _site.Options.TimeProvider);
            var connection = await _site.Connections.GetAsync(requester.Site, requester.Hints, deadline.Token).ConfigureAwait(false);
            var reply = await connection.RequestAsync(
                id => new StateQuery { RequestId = id, HomeSiteId = Self.Id, HomeIncarnation = Self.Incarnation, ObjectKey = key },
                deadline.Token).ConfigureAwait(false);
            return ((StateQueryReply)reply).LastHop;
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug("Site {Site} did not answer a state query: {Reason}", requester.Site, ex.Message);
            return null;
        }
    }

    private async Task RequestAsync(MigratoryProxy proxy, StateRequest request)
    {
        try
        {
            await SendOrThrowAsync(proxy.Home, proxy.HomeHints, request).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogInformation("Could not ask {Home} for the state of {Object}: {Reason}", proxy.Home, proxy, ex.Message);
            proxy.FailWaiting(ex is TesseraException ? ex : new SiteUnreachableException($"Could not ask site {proxy.Home} for the state of {proxy}: {ex.Message}", ex));
        }
    }

    private async Task TokenAsync(MigratoryProxy proxy, Requester successor, StateToken token)
    {
        try
        {
            await SendOrThrowAsync(successor.Site, successor.Hints, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException or ObjectDisposedException)
        {
            // The state was encoded for a site that cannot take it: only the manager can tell the others.
            _logger.LogWarning("Could not hand the state of {Object} to {Successor}: {Reason}", proxy, successor.Site, ex.Message);
            proxy.Lose($"it could not be handed to site {successor.Site} ({ex.Message})");
        }
    }

    private async Task SendAsync(SiteIdentity to, ImmutableArray<string> hints, WireMessage message, string what)
    {
        try
        {
            await SendOrThrowAsync(to, hints, message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug("Could not send {What} to {Site}: {Reason}", what, to, ex.Message);
        }
    }

    private async Task ReplyAsync(PeerConnection to, StateQueryReply reply)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_site.Options.DefaultCallTimeout, _site.Options.TimeProvider);
            await to.SendAsync(reply, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
        {
            _logger.LogDebug("Could not answer a state query from {Site}: {Reason}", to.Peer, ex.Message);
        }
    }

    private async Task SendOrThrowAsync(SiteIdentity to, ImmutableArray<string> hints, WireMessage message)
    {
        using var deadline = new CancellationTokenSource(_site.Options.DefaultCallTimeout, _site.Options.TimeProvider);
        var connection = await _site.Connections.GetAsync(to, hints.IsDefault ? ImmutableArray<string>.Empty : hints, deadline.Token).ConfigureAwait(false);
        await connection.SendAsync(message, deadline.Token).ConfigureAwait(false);
    }
}
