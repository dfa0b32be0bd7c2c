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
internal sealed partial class ConnectionTable
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

    public int MaxMessagesWaitingForRoom => _transportOptions.MaxMessagesWaitingForRoom;

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

    /// <summary>
    /// Live, published connections, for broadcasts and the failure detector's sweep. A connection reserved for an
    /// inbound Hello is left out until its Accept is queued: a heartbeat posted ahead of the Accept would reach the
    /// dialer as its handshake answer and fail the connection.
    /// </summary>
    public PeerConnection[] Established()
    {
        lock (_gate)
        {
            return _slots.Values
                .Where(slot => slot.Established.Task.IsCompletedSuccessfully)
                .Select(slot => slot.Connection)
                .OfType<PeerConnection>()
                .Where(c => !c.IsClosed && c.Peer != default)
                .ToArray();
        }
    }

    /// <summary>What this table holds for <paramref name="peer"/>, in one line: for diagnostics when a peer's state looks stuck.</summary>
    public string Describe(SiteIdentity peer)
    {
        lock (_gate)
        {
            var slot = _slots.TryGetValue(peer, out var found)
                ? $"slot dialing={found.Dialing} redialed={found.Redialed} established={found.Established.Task.Status} connection={DescribeLocked(found.Connection)}"
                : "no slot";
            var others = _live.Where(c => c.Peer == peer && c != found?.Connection).Select(DescribeLocked);
            return $"{slot}; other live connections: [{string.Join(", ", others)}]";
        }
    }

    private static string DescribeLocked(PeerConnection? connection) => connection is null
        ? "none"
        : $"{connection.RemoteAddress} closed={connection.IsClosed} silent={connection.Link.IsSilent} received {connection.Link.SinceReceived.TotalMilliseconds:0} ms ago";

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
            if (slot.Established.Task.IsCompleted)
            {
                if (slot.Established.Task.IsCompletedSuccessfully && slot.Established.Task.Result is { IsClosed: false } established)
                    return new ValueTask<PeerConnection>(established);
                // Closed before OnClosed could retire the slot, or failed by a dial while a closed connection still
                // held it: start afresh rather than hand out a dead connection or an old error.
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
                // Closed before it was published, with no dial of ours out that could still fill the slot: whoever
                // waits for it fails now rather than at their deadline. Under the gate, so that no dial puts the slot
                // back in between (its continuations run on the thread pool, never here).
                if (!slot.Dialing)
                    slot.Established.TrySetException(new SiteUnreachableException($"The connection to site {connection.Peer} closed before it was established{(reason is null ? "" : ": " + reason.Message)}.", reason));
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
