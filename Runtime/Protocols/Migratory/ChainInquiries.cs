using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// The migratory protocol's failure-only exchanges, which cost nothing while nobody fails: the manager asks a
/// site how far the state got (<see cref="StateQuery"/>), or has the site that was to hand the state to a dead
/// requester skip it (<see cref="StateReroute"/>); and every site answers both.
/// </summary>
internal sealed class ChainInquiries
{
    private readonly Site _site;
    private readonly MigratoryProtocol _protocol;
    private readonly ILogger _logger;

    public ChainInquiries(Site site, MigratoryProtocol protocol, ILogger logger)
    {
        _site = site;
        _protocol = protocol;
        _logger = logger;
    }

    /// <summary>Which hop <paramref name="requester"/> last received, or null if it does not answer by the deadline.</summary>
    public async Task<long?> QueryLastHopAsync(Requester requester, ulong key)
    {
        var self = _protocol.Self;
        var reply = await AskAsync(requester, id => new StateQuery { RequestId = id, HomeSiteId = self.Id, HomeIncarnation = self.Incarnation, ObjectKey = key }).ConfigureAwait(false);
        return (reply as StateQueryReply)?.LastHop;
    }

    /// <summary>
    /// Has <paramref name="at"/> skip the dead requester at <paramref name="deadHop"/>: true if it did, false if the state
    /// had left for the dead site already, null if <paramref name="at"/> did not answer.
    /// </summary>
    public async Task<bool?> RerouteAsync(MigratoryProxy home, Requester at, long deadHop, Requester? successor)
    {
        if (at.Site == _protocol.Self) return RerouteHere(_protocol.Self, home.Key, deadHop, successor);
        var reply = await AskAsync(at, id => new StateReroute
        {
            RequestId = id,
            ObjectKey = home.Key,
            DeadHop = deadHop,
            HasSuccessor = successor is not null,
            SuccessorSiteId = successor?.Site.Id ?? Guid.Empty,
            SuccessorIncarnation = successor?.Site.Incarnation ?? 0,
            SuccessorHints = successor?.WireHints ?? Array.Empty<string>(),
            SuccessorHop = successor?.Hop ?? 0,
        }).ConfigureAwait(false);
        return (reply as StateRerouteReply)?.Rerouted;
    }

    /// <summary>
    /// The manager asks which hop this site last received. A site that handed the state on is no longer
    /// active, but its answer is what proves the state got past a dead site, so it is looked up among the imports too,
    /// and, once its reference is released, in the token it sent, which the outbox keeps at least until it arrived.
    /// </summary>
    public void OnQuery(PeerConnection from, StateQuery query)
    {
        var home = new SiteIdentity(query.HomeSiteId, query.HomeIncarnation);
        // With no proxy here now (released or collected, and not taken again), what the site remembers of the last one
        // still says how far the state got here.
        var lastHop = Math.Max(
            Math.Max(_protocol.Find(home, query.ObjectKey)?.LastHop ?? -1, _protocol.Remembered(home, query.ObjectKey).LastHop),
            _protocol.Outbox.Find(new ParcelKey(home, query.ObjectKey, MessageKind.Token))?.SenderLastHop ?? -1);
        _ = ReplyAsync(from, new StateQueryReply { RequestId = query.RequestId, LastHop = lastHop });
    }

    public void OnReroute(PeerConnection from, StateReroute reroute)
    {
        Requester? successor = reroute.HasSuccessor
            ? new Requester(new SiteIdentity(reroute.SuccessorSiteId, reroute.SuccessorIncarnation), ImmutableArray.Create(reroute.SuccessorHints), reroute.SuccessorHop)
            : null;
        var rerouted = RerouteHere(from.Peer, reroute.ObjectKey, reroute.DeadHop, successor);
        _ = ReplyAsync(from, new StateRerouteReply { RequestId = reroute.RequestId, Rerouted = rerouted });
    }

    private bool RerouteHere(SiteIdentity home, ulong key, long deadHop, Requester? successor)
    {
        var proxy = _protocol.Find(home, key);
        // Keeping the state here needs a reference to hold it: a site that released its own after handing the state on
        // says no, and the manager asks again with home as the successor.
        if (successor is null && proxy is null) return false;
        var tokenKey = new ParcelKey(home, key, MessageKind.Token);
        // Asked again, the first answer unheard: the state is already on its way to the successor named.
        if (successor is { } named && _protocol.Outbox.Find(tokenKey) is { Message: StateToken { } sent } onItsWay && sent.Hop == named.Hop && onItsWay.To == named.Site)
            return true;
        // A token that never left for the dead site is still this site's to place, whatever its forwards say (an
        // earlier skip may have sent it on from here without this site ever holding it again).
        if (!_protocol.Outbox.TryTakeStranded(tokenKey, deadHop, out var stranded))
            return (proxy?.Reroute(deadHop, successor) ?? RerouteOutcome.Absent) == RerouteOutcome.Rerouted;
        var state = ((StateToken)stranded.Message).State;
        if (successor is { } next && next.Site != _protocol.Self)
        {
            _logger.LogInformation("The state of object #{Key:x16} of {Home} never left for the dead requester at hop {Hop}; it goes to {Next} instead.", key, home, deadHop, next.Site);
            _protocol.SendToken(home, key, next, state, stranded.SenderLastHop);
            return true;
        }
        _logger.LogInformation("The state of object #{Key:x16} of {Home} never left for the dead requester at hop {Hop}; it stays here.", key, home, deadHop);
        return proxy is not null && _protocol.Accept(proxy, successor?.Hop ?? deadHop, state);
    }

    /// <summary>Sends a request and waits for its reply, within the call deadline. A request that could not be sent is tried again; null if there is no answer.</summary>
    private async Task<WireMessage?> AskAsync(Requester to, Func<long, WireMessage> build)
    {
        using var deadline = new CancellationTokenSource(_site.Options.DefaultCallTimeout, _site.Options.TimeProvider);
        var hints = to.Hints.IsDefault ? ImmutableArray<string>.Empty : to.Hints;
        while (true)
        {
            PeerConnection connection;
            PendingRequest request;
            try
            {
                connection = await _site.Connections.GetAsync(to.Site, hints, deadline.Token).ConfigureAwait(false);
                request = await connection.BeginRequestAsync(build, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TesseraException or OperationCanceledException or ObjectDisposedException)
            {
                if (ex is ObjectDisposedException || deadline.IsCancellationRequested || _site.Health.StateOf(to.Site) == FaultState.PermFail) return Unanswered(to, ex);
                await PeerWait.ChangeOrRetryAsync(_site, to.Site, deadline.Token).ConfigureAwait(false);
                continue;
            }
            try
            {
                return (await request.Reply.ConfigureAwait(false)).Message;
            }
            catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
            {
                // Sent, so it may have been acted on: asking again could get a different answer to the same question.
                return Unanswered(to, ex);
            }
            finally
            {
                connection.EndRequest(request);
            }
        }
    }

    private WireMessage? Unanswered(Requester to, Exception reason)
    {
        _logger.LogDebug("Site {Site} did not answer the manager: {Reason}", to.Site, reason.Message);
        return null;
    }

    private async Task ReplyAsync(PeerConnection to, WireMessage reply)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_site.Options.DefaultCallTimeout, _site.Options.TimeProvider);
            await to.SendAsync(reply, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
        {
            _logger.LogDebug("Could not answer the manager at {Site}: {Reason}", to.Peer, ex.Message);
        }
    }
}
