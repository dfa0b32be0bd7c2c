using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>Dialing a peer: trying its hints in order, the handshake, and where the dialed connection goes in the table.</summary>
internal sealed partial class ConnectionTable
{
    private async Task DialAsync(SiteIdentity peer, ImmutableArray<string> hints, PeerSlot slot)
    {
        var failures = new List<string>();
        SiteIdentity? answeredInstead = null;
        try
        {
            foreach (var hint in hints)
            {
                try
                {
                    if (await TryDialAsync(peer, hint, slot).ConfigureAwait(false)) return;
                    failures.Add($"{hint}: refused");
                }
                catch (ProtocolVersionMismatchException ex)
                {
                    TryFail(peer, slot, ex);
                    return;
                }
                catch (AnsweredByAnotherSiteException ex)
                {
                    failures.Add(ex.Message);
                    // This site's own address among the hints says nothing about the peer.
                    if (ex.Answered != Self) answeredInstead ??= ex.Answered;
                }
                catch (Exception ex)
                {
                    // Hints come from other sites, so any failure to use one (bad syntax, DNS, a closed
                    // transport) is a reason to try the next, never to leave the slot stuck in Dialing.
                    failures.Add($"{hint}: {ex.Message}");
                }
            }
            var tried = failures.Count == 0 ? "the reference names no address" : string.Join("; ", failures);
            // False when the peer's own connection took the slot meanwhile: it is reachable, whatever the hints said.
            if (!TryFail(peer, slot, new SiteUnreachableException($"Site {peer} is unreachable ({tried})."))) return;
            // Epochs: no hint reached the peer, and another site or incarnation now listens where it did.
            if (answeredInstead is { } successor) OnRestarted(peer, successor);
            DialFailed?.Invoke(peer, $"no address answered ({tried})");
        }
        catch (Exception ex)
        {
            if (TryFail(peer, slot, new SiteUnreachableException($"Dialing site {peer} failed: {ex.Message}", ex))) DialFailed?.Invoke(peer, ex.Message);
        }
    }

    /// <returns>True when this dial settled the slot, false when the peer refused it.</returns>
    private async Task<bool> TryDialAsync(SiteIdentity peer, string address, PeerSlot slot)
    {
        using var timeout = new CancellationTokenSource(_transportOptions.ConnectTimeout, _time);
        var raw = await _transport.ConnectAsync(address, timeout.Token).ConfigureAwait(false);
        var connection = PeerConnection.ForDialer(raw, this, peer);
        lock (_gate)
        {
            if (_stopping)
            {
                raw.Abort(new ObjectDisposedException(nameof(Site), "The site is stopping."));
                return false;
            }
            _live.Add(connection);
        }
        connection.Start();
        connection.SendHello();
        HandshakeFrame answer;
        try
        {
            answer = await connection.Handshake.WaitAsync(_transportOptions.ConnectTimeout, _time).ConfigureAwait(false);
        }
        catch (ConnectionClosedException ex) when (_transportOptions.Tls is not null)
        {
            // Under TLS 1.3 a client finishes its handshake before the server has judged the client's certificate.
            connection.Abort(ex);
            throw new ConnectionClosedException($"{ex.Message} before answering Hello: over TLS, this is also how a peer refuses this site's certificate.", ex);
        }
        catch (Exception ex)
        {
            connection.Abort(ex);
            throw;
        }
        if (answer.Kind == HandshakeKind.Accept)
        {
            bool superseded;
            PeerConnection? inUse;
            PeerSlot? retired = null;
            lock (_gate)
            {
                slot.Dialing = false;
                if (connection.IsClosed) return false;
                // The slot may have been retired while this dial was out (a connection it held closed). The peer
                // has accepted this connection as the one in use, so it must land in the slot in use now: left
                // outside every slot it would stay open, unused here, and the peer would refuse every later dial
                // from this site as a duplicate of it.
                if (!_slots.TryGetValue(peer, out var current)) _slots[peer] = current = slot;
                if (current != slot) (retired, slot) = (slot, current);
                superseded = slot.Connection is { IsClosed: false };
                if (!superseded)
                {
                    FreshSlotLocked(peer, ref slot);
                    slot.Connection = connection;
                }
                inUse = slot.Connection;
            }
            if (superseded)
            {
                // The peer's own connection got here first and is the one in use; this one is surplus.
                _ = connection.CloseGracefullyAsync();
            }
            else
            {
                Publish(connection);
            }
            // Callers that waited on the retired slot get the connection in use rather than their deadline.
            if (inUse is not null) retired?.Established.TrySetResult(inUse);
            return true;
        }
        _ = connection.CloseGracefullyAsync();
        switch (answer.Rejection)
        {
            case HandshakeRejection.VersionMismatch:
                throw new ProtocolVersionMismatchException(ProtocolVersion.Current, answer.Version, $"The site at {address}");
            case HandshakeRejection.Duplicate:
                // The peer's own dial won the tie-break; its inbound connection will fill the slot. Or the peer still
                // holds a connection this site already closed: then nothing comes, and the dial is repeated.
                lock (_gate) slot.Dialing = false;
                _ = RedialUnlessFilledAsync(peer, address, slot);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Under the gate: a slot whose connection was published once (and has closed since) is replaced before it
    /// takes a new connection. Its <see cref="PeerSlot.Established"/> completes only once, so reusing it would
    /// leave GetAsync finding the closed connection and retiring the slot with the live one in it; the peer
    /// would keep using that connection, and refuse every later dial from this site as a duplicate of it.
    /// </summary>
    private void FreshSlotLocked(SiteIdentity peer, ref PeerSlot slot)
    {
        if (!slot.Established.Task.IsCompleted) return;
        slot = new PeerSlot();
        _slots[peer] = slot;
    }

    private async Task RedialUnlessFilledAsync(SiteIdentity peer, string address, PeerSlot slot)
    {
        try
        {
            await slot.Established.Task.WaitAsync(_transportOptions.ConnectTimeout / 5, _time).ConfigureAwait(false);
            return;
        }
        catch (TimeoutException)
        {
        }
        catch (Exception)
        {
            return;
        }
        lock (_gate)
        {
            // Once per slot: a peer that keeps answering Duplicate with nothing behind it leaves the callers to their deadlines.
            if (_stopping || slot.Redialed || slot.Dialing || slot.Connection is not null || !_slots.TryGetValue(peer, out var current) || current != slot) return;
            slot.Redialed = true;
            slot.Dialing = true;
        }
        await DialAsync(peer, ImmutableArray.Create(address), slot).ConfigureAwait(false);
    }

    /// <summary>Fails the callers waiting on this dial, unless the peer's own connection took the slot meanwhile.</summary>
    /// <returns>False when a connection the peer dialed holds the slot: the peer is reachable, and that connection settles the slot.</returns>
    private bool TryFail(SiteIdentity peer, PeerSlot slot, Exception error)
    {
        lock (_gate)
        {
            slot.Dialing = false;
            // Reserved for the peer's Hello, or published: faulting the slot now would hand the dial's stale error to
            // every later caller while the connection lives, and keep that connection from heartbeats and broadcasts.
            if (slot.Connection is { IsClosed: false }) return false;
            // A closed connection still in the slot is for OnClosed to retire, which tells the failure detector.
            if (slot.Connection is null && _slots.TryGetValue(peer, out var current) && current == slot) _slots.Remove(peer);
            // Under the gate, as in OnClosed: continuations run on the thread pool.
            slot.Established.TrySetException(error);
        }
        return true;
    }
}
