using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// The migratory messages that must not vanish with a connection: GET, FORWARD and TOKEN. Each is kept until
/// its peer has provably read it or the protocol no longer needs it. If its connection closes first, it goes
/// out again on the next one, and the receiver drops what it already had (by hop). While its peer is
/// unreachable, delivery is retried until the peer comes back or is declared permanently failed; a token that
/// never left is then kept, stranded, for the manager to send past the dead site.
/// </summary>
internal sealed class Outbox
{
    // Settled parcels are swept when the table has doubled since the last sweep, so sending stays O(1) on average.
    private const int MinimumSweep = 64;
    private readonly ConcurrentDictionary<ParcelKey, Parcel> _parcels = new();
    private readonly Site _site;
    private readonly ILogger _logger;
    private int _sweepAt = MinimumSweep;

    public Outbox(Site site, ILogger logger)
    {
        _site = site;
        _logger = logger;
    }

    /// <summary>A token whose peer became permanently failed before the token ever left: the manager must place it.</summary>
    public event Action<ParcelKey, Parcel>? Stranded;

    /// <summary>Parcels whose peer has not proven it read them yet: for tests and diagnostics.</summary>
    public int Pending => _parcels.Values.Count(parcel => !parcel.Settled);

    /// <summary>Sends <paramref name="message"/> now; a parcel under the same key is superseded.</summary>
    public void Send(ParcelKey key, SiteIdentity to, ImmutableArray<string> hints, WireMessage message)
        => Deliver(key, Hold(key, new Parcel(to, hints, message, keepIfStranded: false)));

    /// <summary>Registers a parcel without sending it yet, so it is found from the moment its sender lets go of the state.</summary>
    public Parcel Hold(ParcelKey key, Parcel parcel)
    {
        _parcels[key] = parcel;
        if (_parcels.Count >= Volatile.Read(ref _sweepAt)) Sweep();
        return parcel;
    }

    public void Deliver(ParcelKey key, Parcel parcel) => _ = DeliverAsync(key, parcel, parcel.BeginAttempt());

    public void Forget(ParcelKey key) => _parcels.TryRemove(key, out _);

    public Parcel? Find(ParcelKey key) => _parcels.TryGetValue(key, out var parcel) ? parcel : null;

    /// <summary>Forgets <paramref name="parcel"/> only if it is still the one under <paramref name="key"/>.</summary>
    public void Forget(ParcelKey key, Parcel? parcel)
    {
        if (parcel is not null) _parcels.TryRemove(new(key, parcel));
    }

    /// <summary>Takes back a token sent at <paramref name="hop"/> that never left for its (dead) peer, so it can go elsewhere.</summary>
    public bool TryTakeStranded(ParcelKey key, long hop, out Parcel stranded)
    {
        stranded = null!;
        if (!_parcels.TryGetValue(key, out var parcel) || parcel.Message is not StateToken { } token || token.Hop != hop) return false;
        if (!parcel.TryWithdraw()) return false;
        _parcels.TryRemove(new(key, parcel));
        stranded = parcel;
        return true;
    }

    /// <summary>The connection to <paramref name="peer"/> closed: what went out on it and was not proven read goes out again.</summary>
    public void OnDisconnected(SiteIdentity peer)
    {
        foreach (var (key, parcel) in _parcels)
        {
            if (parcel.To == peer && parcel.TryReopen(out var attempt)) _ = DeliverAsync(key, parcel, attempt);
        }
    }

    /// <summary>
    /// <paramref name="peer"/> is gone for good. A token that never left for it stays, for the manager to send past
    /// it; whatever it may have received is for the manager to judge, and everything about objects homed there goes.
    /// </summary>
    public void OnPeerFailed(SiteIdentity peer)
    {
        foreach (var (key, parcel) in _parcels)
        {
            if (key.Home == peer || (parcel.To == peer && (parcel.InDoubt || !parcel.KeepIfStranded))) _parcels.TryRemove(new(key, parcel));
        }
    }

    private async Task DeliverAsync(ParcelKey key, Parcel parcel, int attempt)
    {
        var time = _site.Options.TimeProvider;
        while (_parcels.TryGetValue(key, out var current) && current == parcel)
        {
            if (_site.Health.StateOf(parcel.To) == FaultState.PermFail)
            {
                if (parcel.KeepIfStranded && !parcel.InDoubt) Stranded?.Invoke(key, parcel);
                return;
            }
            PeerConnection? connection = null;
            try
            {
                using var deadline = new CancellationTokenSource(_site.Options.DefaultCallTimeout, time);
                connection = await _site.Connections.GetAsync(parcel.To, parcel.Hints, deadline.Token).ConfigureAwait(false);
                if (!parcel.TryQueue(connection, attempt, deadline.Token, out var send)) return;
                await send.ConfigureAwait(false);
                parcel.OnQueued(attempt, time.GetTimestamp());
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
            {
                if (connection is not null) parcel.OnNotQueued(connection, attempt);
                _logger.LogDebug("Could not send {Kind} to site {Peer} yet: {Reason}", parcel.Message.Kind, parcel.To, ex.Message);
            }
            await PeerWait.ChangeOrRetryAsync(_site, parcel.To, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void Sweep()
    {
        foreach (var (key, parcel) in _parcels)
        {
            if (parcel.Settled) _parcels.TryRemove(new(key, parcel));
        }
        Volatile.Write(ref _sweepAt, Math.Max(MinimumSweep, _parcels.Count * 2));
    }
}
