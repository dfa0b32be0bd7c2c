using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.Infrastructure;
using Tessera.Tickets;
using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>
/// Offers objects as tickets and takes tickets into references. Taking is one TakeRequest and one
/// TakeReply at the issuing site, or no message at all when this site issued the ticket.
/// </summary>
internal sealed class TicketExchange
{
    private readonly Site _site;
    private readonly TicketTable _table = new();
    private readonly ILogger _logger;

    // A ticket names its object by an alias, never by the export key that calls use: holding a ticket
    // grants nothing until it is taken, so one-shot tickets and retraction mean what they say.
    private readonly Lock _aliasGate = new();
    private readonly Dictionary<ulong, ulong> _aliasByKey = new();
    private readonly Dictionary<ulong, ulong> _keyByAlias = new();

    public TicketExchange(Site site, ILogger logger)
    {
        _site = site;
        _logger = logger;
        site.References.Unexported += ForgetAlias;
    }

    public string Offer(object target, DistributedTypeInfo type, bool unlimited)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target is IDistributedProxy proxy)
            throw new NotSupportedException($"This {type.TypeName} is a proxy for an object at site {proxy.TesseraHandle.Home}; offer it from its home site, or pass the reference itself.");
        // A live ticket keeps its object exported (pinned) until it is taken once, or retracted.
        var key = _site.References.ExportPinned(target, type);
        Ticket ticket;
        try
        {
            ticket = _table.Issue(_site.Identity, _site.EndpointHints, AliasOf(key), type.TypeName, type.Fingerprint, unlimited);
        }
        catch
        {
            _site.References.Unpin(key);
            throw;
        }
        _logger.LogDebug("Offered {Ticket}.", ticket.Redacted);
        return ticket.Render();
    }

    public bool Retract(string ticketText)
    {
        var ticket = Ticket.Parse(ticketText);
        if (!_table.Retract(ticket)) return false;
        if (TryResolveAlias(ticket.ObjectKey, out var key)) _site.References.Unpin(key);
        return true;
    }

    public async Task<object> TakeAsync(string ticketText, DistributedTypeInfo type, CancellationToken cancellationToken)
    {
        var ticket = Ticket.Parse(ticketText);
        if (ticket.TypeName != type.TypeName || ticket.TypeFingerprint != type.Fingerprint)
            throw new TicketTypeMismatchException(type.TypeName, type.Fingerprint, ticket.TypeName, ticket.TypeFingerprint);
        if (ticket.Site == _site.Identity) return TakeLocally(ticket, type);

        using var deadline = new CancellationTokenSource(_site.Options.TakeTimeout, _site.Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        TakeReply reply;
        try
        {
            var connection = await _site.Connections.GetAsync(ticket.Site, ticket.EndpointHints, linked.Token).ConfigureAwait(false);
            var secret = new byte[TicketSecret.Size];
            ticket.Secret.WriteTo(secret);
            reply = await connection.RequestAsync(
                id => new TakeRequest { RequestId = id, ObjectKey = ticket.ObjectKey, Secret = secret, TypeName = type.TypeName, TypeFingerprint = type.Fingerprint },
                linked.Token).ConfigureAwait(false) as TakeReply
                ?? throw new ProtocolViolationException($"The site that issued {ticket.Redacted} answered a take with something other than a take reply.");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SiteUnreachableException($"Taking {ticket.Redacted} got no answer within {_site.Options.TakeTimeout.TotalSeconds:0.#} s.", ex);
        }
        catch (ConnectionClosedException ex)
        {
            throw new SiteUnreachableException($"The site that issued {ticket.Redacted} closed the connection before answering.", ex);
        }
        return reply.Status switch
        {
            TakeStatus.Granted => _site.References.Import(ticket.Site, ticket.EndpointHints, reply.ObjectKey, type, Gc.Credit.FromWire(reply.WeightLevel, reply.WeightMantissa)),
            TakeStatus.NotFound => throw new TicketNotFoundException(ticket.ObjectKey),
            TakeStatus.SecretMismatch => throw new TicketSecretMismatchException(ticket.ObjectKey),
            TakeStatus.TypeMismatch => throw new TicketTypeMismatchException(type.TypeName, type.Fingerprint, reply.ActualTypeName, reply.ActualFingerprint),
            _ => throw new ProtocolViolationException($"Unknown take status {reply.Status}."),
        };
    }

    public void OnTake(PeerConnection taker, TakeRequest request)
    {
        var reply = Redeem(request);
        _ = ReplyAsync(taker, reply);
    }

    private object TakeLocally(Ticket ticket, DistributedTypeInfo type)
    {
        var grant = _table.Redeem(ticket.ObjectKey, ticket.Secret, type.TypeName, type.Fingerprint);
        if (!TryResolveAlias(grant.ObjectKey, out var key) || !_site.References.TryGetExport(key, out var entity)) throw new TicketNotFoundException(ticket.ObjectKey);
        if (!grant.Unlimited) _site.References.Unpin(key);
        return entity.Target;
    }

    private ulong AliasOf(ulong key)
    {
        lock (_aliasGate)
        {
            if (_aliasByKey.TryGetValue(key, out var existing)) return existing;
            ulong alias;
            do alias = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)); while (alias == 0 || _keyByAlias.ContainsKey(alias));
            _aliasByKey[key] = alias;
            _keyByAlias[alias] = key;
            return alias;
        }
    }

    private bool TryResolveAlias(ulong alias, out ulong key)
    {
        lock (_aliasGate) return _keyByAlias.TryGetValue(alias, out key);
    }

    /// <summary>The object is no longer exported, so no live ticket names its alias; a new offer makes a new one.</summary>
    private void ForgetAlias(ulong key)
    {
        lock (_aliasGate)
        {
            if (_aliasByKey.Remove(key, out var alias)) _keyByAlias.Remove(alias);
        }
    }

    private TakeReply Redeem(TakeRequest request)
    {
        try
        {
            if (request.Secret.Length != TicketSecret.Size) return new TakeReply { RequestId = request.RequestId, Status = TakeStatus.SecretMismatch };
            var grant = _table.Redeem(request.ObjectKey, new TicketSecret(request.Secret), request.TypeName, request.TypeFingerprint);
            if (!TryResolveAlias(grant.ObjectKey, out var key) || !_site.References.TryGrant(key, out var credit))
                return new TakeReply { RequestId = request.RequestId, Status = TakeStatus.NotFound };
            // Minted before the pin goes, so the entity is never unreferenced in between.
            if (!grant.Unlimited) _site.References.Unpin(key);
            return new TakeReply { RequestId = request.RequestId, Status = TakeStatus.Granted, ObjectKey = key, WeightLevel = credit.Level, WeightMantissa = credit.Mantissa };
        }
        catch (TicketNotFoundException)
        {
            return new TakeReply { RequestId = request.RequestId, Status = TakeStatus.NotFound };
        }
        catch (TicketSecretMismatchException)
        {
            _logger.LogWarning("Refused a take of object #{Key:x16}: wrong secret.", request.ObjectKey);
            return new TakeReply { RequestId = request.RequestId, Status = TakeStatus.SecretMismatch };
        }
        catch (TicketTypeMismatchException ex)
        {
            return new TakeReply { RequestId = request.RequestId, Status = TakeStatus.TypeMismatch, ActualTypeName = ex.ActualTypeName, ActualFingerprint = ex.ActualFingerprint };
        }
    }

    private async Task ReplyAsync(PeerConnection taker, TakeReply reply)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_site.Options.TakeTimeout, _site.Options.TimeProvider);
            await taker.SendAsync(reply, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
        {
            _logger.LogDebug("Dropped a take reply to {Taker}: {Reason}", taker, ex.Message);
        }
    }
}
