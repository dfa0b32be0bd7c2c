using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.FailureDetection;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>
/// Keeps one connection per peer site, opened on demand. When two sites dial each other at once,
/// both keep the connection dialed by the site with the smaller identity, so exactly one remains.
/// </summary>
internal sealed class ConnectionTable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<SiteIdentity, PeerSlot> _slots = new();
    private readonly HashSet<PeerConnection> _live = new();
    private readonly Dictionary<SiteIdentity, ImmutableArray<string>> _hints = new();
    private readonly PeerHealthTable _health;
    private readonly ITransport _transport;
    private readonly TransportOptions _transportOptions;
    private readonly TimeProvider _time;
    private bool _stopping;

    public ConnectionTable(SiteIdentity self, ITransport transport, TransportOptions transportOptions, TimeProvider time, IMessageHandler handler, MessageCounters counters, PeerHealthTable health, ILogger logger)
    {
        _health = health;
        Self = self;
        _transport = transport;
        _transportOptions = transportOptions;
        _time = time;
        Handler = handler;
        Counters = counters;
        Logger = logger;
    }

    public SiteIdentity Self { get; }

    public IMessageHandler Handler { get; }

    public MessageCounters Counters { get; }

    public ILogger Logger { get; }

    public TimeProvider Time => _time;

    /// <summary>A connection to a peer became the one in use.</summary>
    public event Action<PeerConnection>? PeerConnected;

    /// <summary>Every address hint for a peer failed, with why.</summary>
    public event Action<SiteIdentity, string>? DialFailed;

    /// <summary>A peer's address answered as another incarnation of the same site id: (the old one, the new one).</summary>
    public event Action<SiteIdentity, SiteIdentity>? PeerRestarted;

    /// <summary>Traffic arrived on a link the failure detector had declared silent.</summary>
    public event Action<PeerConnection>? LinkRecovered;

    /// <summary>
    /// The established connection to a peer closed. Raised outside any lock; duplicate connections that lose
    /// the dial tie-break never were the peer's connection and do not raise it.
    /// </summary>
    public event Action<SiteIdentity>? PeerDisconnected;

    /// <summary>
    /// A connection that had finished its handshake with a peer closed, whether or not it was still the one in
    /// use: a newer connection can take a closed one's place before its close is handled here, and what went out
    /// on the old one may still be lost. Raised outside any lock.
    /// </summary>
    public event Action<SiteIdentity>? ConnectionToPeerClosed;

    /// <summary>Live, established connections: for tests and diagnostics.</summary>
    public int EstablishedCount
    {
        get
        {
            lock (_gate) return _slots.Values.Count(slot => slot.Connection is { IsClosed: false } && slot.Established.Task.IsCompletedSuccessfully);
        }
    }

    /// <summary>Live, established connections, for the failure detector's sweep.</summary>
    public PeerConnection[] Established()
    {
        lock (_gate)
            return _slots.Values.Select(slot => slot.Connection).OfType<PeerConnection>().Where(c => !c.IsClosed && c.Peer != default).ToArray();
    }

    /// <summary>Whether a live connection to <paramref name="peer"/> is in use now.</summary>
    public bool IsEstablished(SiteIdentity peer)
    {
        lock (_gate) return _slots.TryGetValue(peer, out var slot) && slot.Connection is { IsClosed: false } && slot.Established.Task.IsCompletedSuccessfully;
    }

    /// <summary>The addresses this site last used or was given for <paramref name="peer"/>, for redialing it.</summary>
    public bool TryGetHints(SiteIdentity peer, out ImmutableArray<string> hints)
    {
        lock (_gate) return _hints.TryGetValue(peer, out hints) && !hints.IsDefaultOrEmpty;
    }

    /// <summary>Closes the connection to <paramref name="peer"/>, if any, failing what waits on it.</summary>
    public void Abort(SiteIdentity peer, Exception reason)
    {
        PeerConnection? connection;
        lock (_gate)
        {
            _hints.Remove(peer);
            connection = _slots.TryGetValue(peer, out var slot) ? slot.Connection : null;
        }
        connection?.Abort(reason);
    }

    public void OnLinkRecovered(PeerConnection connection) => LinkRecovered?.Invoke(connection);

    public void OnRestarted(SiteIdentity old, SiteIdentity current) => PeerRestarted?.Invoke(old, current);

    /// <summary>Returns the connection to <paramref name="peer"/>, dialing its hints in order if there is none.</summary>
    public ValueTask<PeerConnection> GetAsync(SiteIdentity peer, ImmutableArray<string> hints, CancellationToken cancellationToken)
    {
        if (_health.StateOf(peer) == FaultState.PermFail)
            throw new SiteUnreachableException($"Site {peer} is permanently failed: {_health.Get(peer).Reason}.");
        PeerSlot slot;
        bool dial;
        lock (_gate)
        {
            if (_stopping) throw new ObjectDisposedException(nameof(Site), "The site is stopping.");
            if (!hints.IsDefaultOrEmpty) _hints[peer] = hints;
            if (!_slots.TryGetValue(peer, out slot!))
            {
                slot = new PeerSlot();
                _slots[peer] = slot;
            }
            if (slot.Established.Task.IsCompletedSuccessfully)
            {
                var established = slot.Established.Task.Result;
                if (!established.IsClosed) return new ValueTask<PeerConnection>(established);
                // Closed before OnClosed could retire the slot: start afresh rather than hand out a dead connection.
                slot = new PeerSlot();
                _slots[peer] = slot;
            }
            // A reserved inbound connection is about to be published: wait for it instead of dialing a second one.
            dial = !slot.Dialing && slot.Connection is not { IsClosed: false };
            slot.Dialing |= dial;
        }
        if (dial) _ = DialAsync(peer, hints, slot);
        var deadline = _transportOptions.ConnectTimeout * Math.Max(1, hints.Length) + _transportOptions.ConnectTimeout;
        return new ValueTask<PeerConnection>(WaitForSlotAsync(peer, slot, deadline, cancellationToken));
    }

    public void Accept(IFrameConnection raw)
    {
        var connection = PeerConnection.ForAcceptor(raw, this);
        lock (_gate)
        {
            if (_stopping)
            {
                raw.Abort(new ObjectDisposedException(nameof(Site), "The site is stopping."));
                return;
            }
            if (_live.Count >= _transportOptions.MaxConnections)
            {
                raw.Abort(new ProtocolViolationException($"Refused a connection from {raw.RemoteAddress}: this site already has {_live.Count} connections, its limit."));
                Logger.LogWarning("Refused a connection from {Remote}: at the limit of {Limit} connections.", raw.RemoteAddress, _transportOptions.MaxConnections);
                return;
            }
            _live.Add(connection);
        }
        Logger.LogDebug("Accepted a connection from {Remote}.", raw.RemoteAddress);
        connection.Start();
        _ = AbortUnlessHelloAsync(connection);
    }

    /// <summary>A peer that connects and never says Hello would otherwise hold a connection slot forever.</summary>
    private async Task AbortUnlessHelloAsync(PeerConnection connection)
    {
        try
        {
            await Task.Delay(_transportOptions.ConnectTimeout, _time).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        if (!connection.IsClosed && connection.Peer == default)
            connection.Abort(new ProtocolViolationException($"No Hello within {_transportOptions.ConnectTimeout.TotalSeconds:0.#} s."));
    }

    /// <summary>Decides whether an inbound Hello from <paramref name="peer"/> becomes the connection to it.</summary>
    public HandshakeRejection ReserveInbound(PeerConnection connection, SiteIdentity peer)
    {
        lock (_gate)
        {
            if (_stopping) return HandshakeRejection.ShuttingDown;
            if (!_slots.TryGetValue(peer, out var slot))
            {
                slot = new PeerSlot();
                _slots[peer] = slot;
            }
            if (slot.Connection is { IsClosed: false }) return HandshakeRejection.Duplicate;
            if (slot.Dialing && Compare(Self, peer) < 0) return HandshakeRejection.Duplicate;
            FreshSlotLocked(peer, ref slot);
            slot.Connection = connection;
            return HandshakeRejection.None;
        }
    }

    /// <summary>Makes a reserved or dialed connection visible to senders, after its Accept is queued.</summary>
    public void Publish(PeerConnection connection)
    {
        PeerSlot? slot;
        lock (_gate) _slots.TryGetValue(connection.Peer, out slot);
        if (slot?.Connection != connection) return;
        slot.Established.TrySetResult(connection);
        Logger.LogDebug("Connection to site {Peer} at {Remote} is up.", connection.Peer, connection.RemoteAddress);
        PeerConnected?.Invoke(connection);
    }

    public void OnClosed(PeerConnection connection, Exception? reason)
    {
        var wasPeerConnection = false;
        lock (_gate)
        {
            _live.Remove(connection);
            if (_slots.TryGetValue(connection.Peer, out var slot) && slot.Connection == connection)
            {
                _slots.Remove(connection.Peer);
                wasPeerConnection = true;
            }
        }
        if (wasPeerConnection) PeerDisconnected?.Invoke(connection.Peer);
        if (connection.Peer != default) ConnectionToPeerClosed?.Invoke(connection.Peer);
        if (reason is null) Logger.LogDebug("Connection {Connection} closed.", connection);
        else Logger.LogInformation("Connection {Connection} closed: {Reason}", connection, reason.Message);
    }

    /// <summary>Refuses new connections, lets queued frames flush, then closes every connection.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        PeerConnection[] live;
        lock (_gate)
        {
            _stopping = true;
            live = _live.ToArray();
        }
        var closing = Task.WhenAll(live.Select(c => c.CloseGracefullyAsync().AsTask()));
        try
        {
            await closing.WaitAsync(timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (var connection in live) connection.Abort(new TimeoutException("The site stopped before this connection flushed."));
        }
    }

    private async Task DialAsync(SiteIdentity peer, ImmutableArray<string> hints, PeerSlot slot)
    {
        var failures = new List<string>();
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
                    Fail(peer, slot, ex);
                    return;
                }
                catch (Exception ex)
                {
                    // Hints come from other sites, so any failure to use one (bad syntax, DNS, a closed
                    // transport) is a reason to try the next, never to leave the slot stuck in Dialing.
                    failures.Add($"{hint}: {ex.Message}");
                }
            }
            var tried = failures.Count == 0 ? "the reference names no address" : string.Join("; ", failures);
            Fail(peer, slot, new SiteUnreachableException($"Site {peer} is unreachable ({tried})."));
            DialFailed?.Invoke(peer, $"no address answered ({tried})");
        }
        catch (Exception ex)
        {
            Fail(peer, slot, new SiteUnreachableException($"Dialing site {peer} failed: {ex.Message}", ex));
            DialFailed?.Invoke(peer, ex.Message);
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

    private void Fail(SiteIdentity peer, PeerSlot slot, Exception error)
    {
        lock (_gate)
        {
            slot.Dialing = false;
            if (_slots.TryGetValue(peer, out var current) && current == slot && slot.Connection is null) _slots.Remove(peer);
        }
        slot.Established.TrySetException(error);
    }

    private async Task<PeerConnection> WaitForSlotAsync(SiteIdentity peer, PeerSlot slot, TimeSpan deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await slot.Established.Task.WaitAsync(deadline, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new SiteUnreachableException($"No connection to site {peer} within {deadline.TotalSeconds:0.#} s.", ex);
        }
    }

    private static int Compare(SiteIdentity a, SiteIdentity b)
    {
        var byId = a.Id.CompareTo(b.Id);
        return byId != 0 ? byId : a.Incarnation.CompareTo(b.Incarnation);
    }
}
