using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.FailureDetection;

/// <summary>
/// Turns what the connections see into peer states. One sweep per quarter heartbeat interval sends
/// heartbeats on idle links, declares silent peers TempFail, redials peers whose connection broke, and
/// declares PermFail those still unreachable after the grace period.
/// </summary>
internal sealed class FailureDetector : IDisposable
{
    private readonly ConnectionTable _connections;
    private readonly PeerHealthTable _health;
    private readonly FaultOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _sweep;
    private readonly ConcurrentDictionary<SiteIdentity, byte> _redials = new();
    private readonly TimeSpan _period;
    private long _lastSweep;
    private int _sweeping;
    private volatile bool _stopping;

    public FailureDetector(ConnectionTable connections, PeerHealthTable health, FaultOptions options, TimeProvider time, ILogger logger)
    {
        _connections = connections;
        _health = health;
        _options = options;
        _time = time;
        _logger = logger;
        connections.PeerConnected += OnConnected;
        connections.PeerDisconnected += OnDisconnected;
        connections.DialFailed += OnDialFailed;
        connections.PeerRestarted += OnRestarted;
        connections.LinkRecovered += OnLinkRecovered;
        health.PeerFailed += OnPeerFailed;
        _period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(10).Ticks, options.HeartbeatInterval.Ticks / 4));
        _lastSweep = time.GetTimestamp();
        _sweep = time.CreateTimer(static state => ((FailureDetector)state!).Sweep(), this, _period, _period);
    }

    /// <remarks>
    /// Only if the send queue has room: a peer that sends heartbeats and reads nothing would otherwise leave a blocked
    /// send here for each one, without bound. A full queue has frames on their way to the peer, which count as traffic.
    /// </remarks>
    public void OnHeartbeat(PeerConnection connection, Heartbeat heartbeat) => connection.TryPostNow(new HeartbeatAck { EchoedSentAt = heartbeat.SentAt });

    public void OnHeartbeatAck(PeerConnection connection, HeartbeatAck ack)
    {
        connection.Link.Rtt.Add(_time.GetElapsedTime(ack.EchoedSentAt));
        connection.Link.OnEchoed(ack.EchoedSentAt);
    }

    public void OnSiteLeaving(PeerConnection connection, SiteLeaving leaving) => _health.Fail(connection.Peer, "it is stopping");

    /// <summary>Stops sweeping and tells every peer this incarnation is gone, so they need not wait out a grace period.</summary>
    public void Stop()
    {
        _stopping = true;
        _sweep.Dispose();
        foreach (var connection in _connections.Established()) connection.Post(new SiteLeaving());
    }

    public void Dispose() => _sweep.Dispose();

    private void Sweep()
    {
        // A sweep that overruns its period (a slow send, a starved pool) is not stacked.
        if (Interlocked.Exchange(ref _sweeping, 1) != 0) return;
        try
        {
            if (_stopping) return;
            // A sweep that comes late means this process was paused (GC, a starved thread pool): the silence it
            // would see is its own, so it judges nobody this round and lets the heartbeats catch up.
            var now = _time.GetTimestamp();
            var paused = _time.GetElapsedTime(Interlocked.Exchange(ref _lastSweep, now), now) > _period * 3;
            foreach (var connection in _connections.Established()) Watch(connection, paused);
            foreach (var failing in _health.Failing()) Pursue(failing);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "The failure detector's sweep failed; it runs again at the next period.");
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void Watch(PeerConnection connection, bool paused)
    {
        var link = connection.Link;
        // An idle link whose queue is full is stalled, not idle: one more heartbeat each sweep would only wait there.
        if (link.IsIdle(_options.HeartbeatInterval)) connection.TryPostNow(new Heartbeat { SentAt = _time.GetTimestamp() });
        if (paused) return;
        if (link.TryDeclareSilent(_options))
            _health.Suspect(connection.Peer, $"silent for {link.SinceReceived.TotalMilliseconds:0} ms, past its bound of {link.SilenceBound(_options).TotalMilliseconds:0} ms");
        // A frame read between a declaration and its suspicion recovers a peer that was not failing yet and leaves the
        // link not silent, so no later frame would recover it: the peer stayed TempFail while its traffic flowed.
        else if (!connection.IsClosed && !link.IsSilent && _health.StateOf(connection.Peer) == FaultState.TempFail && link.SinceReceived <= link.SilenceBound(_options))
        {
            _health.Recover(connection.Peer, "traffic resumed");
            // Closed meanwhile: its closing suspected the peer (and started the grace period) before this undid it.
            if (connection.IsClosed) _health.Suspect(connection.Peer, "its connection closed", _time.GetTimestamp());
        }
    }

    private void Pursue(PeerHealth failing)
    {
        var since = failing.FailingSince;
        if (since == 0) return;
        if (_time.GetElapsedTime(since) >= _options.PermFailGrace)
        {
            _health.Fail(failing.Peer, $"unreachable for the {_options.PermFailGrace.TotalSeconds:0.###} s grace period ({failing.Reason})");
            return;
        }
        if (!_connections.TryGetHints(failing.Peer, out var hints) || !_redials.TryAdd(failing.Peer, 0)) return;
        _ = RedialAsync(failing.Peer, hints);
    }

    private async Task RedialAsync(SiteIdentity peer, ImmutableArray<string> hints)
    {
        try
        {
            await Task.Delay(_options.ReconnectInterval, _time).ConfigureAwait(false);
            using var timeout = new CancellationTokenSource(_options.PermFailGrace, _time);
            await _connections.GetAsync(peer, hints, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug("Redialing site {Peer} failed: {Reason}", peer, ex.Message);
        }
        finally
        {
            _redials.TryRemove(peer, out _);
        }
    }

    private void OnConnected(PeerConnection connection)
    {
        _health.FailOtherIncarnations(connection.Peer);
        _health.Recover(connection.Peer, "connected");
    }

    private void OnDisconnected(SiteIdentity peer)
    {
        if (!_stopping) _health.Suspect(peer, "its connection closed", _time.GetTimestamp());
    }

    private void OnDialFailed(SiteIdentity peer, string reason)
    {
        if (!_stopping) _health.Suspect(peer, reason, _time.GetTimestamp());
    }

    private void OnRestarted(SiteIdentity old, SiteIdentity current)
        => _health.Fail(old, current.Id == old.Id
            ? $"its address now answers as incarnation {current.Incarnation:x16}"
            : $"no address of it answers as it, and one answers as another site, {current}");

    private void OnLinkRecovered(PeerConnection connection) => _health.Recover(connection.Peer, "traffic resumed");

    private void OnPeerFailed(SiteIdentity peer) => _connections.Abort(peer, new SiteUnreachableException($"Site {peer} is permanently failed."));
}
