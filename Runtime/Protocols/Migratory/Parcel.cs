using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Migratory;

/// <summary>Names a parcel: one GET and one TOKEN per object and site, one FORWARD per requester the manager placed.</summary>
internal readonly record struct ParcelKey(SiteIdentity Home, ulong Key, MessageKind Kind, long Hop = 0);

/// <summary>
/// One migratory message on its way to one peer, and which connection it went out on. A parcel is
/// <see cref="InDoubt"/> once it may have been queued on a connection: from then on the peer may have it, so
/// only a resend (which the peer drops if it had it) is safe, never a redirection elsewhere.
/// </summary>
internal sealed class Parcel
{
    private readonly Lock _gate = new();
    private PeerConnection? _via;
    private long _queuedAt;
    private bool _queuedOnce;
    private int _attempt;

    public Parcel(SiteIdentity to, ImmutableArray<string> hints, WireMessage message, bool keepIfStranded, long senderLastHop = -1)
    {
        To = to;
        Hints = hints.IsDefault ? ImmutableArray<string>.Empty : hints;
        Message = message;
        KeepIfStranded = keepIfStranded;
        SenderLastHop = senderLastHop;
    }

    public SiteIdentity To { get; }

    public ImmutableArray<string> Hints { get; }

    public WireMessage Message { get; }

    /// <summary>
    /// For a token: the hop at which this site last received the state it hands on, or -1 if it never held it (a
    /// reroute). The sender's reference may be released while the token is on its way, and the manager may still ask
    /// this site how far the state got.
    /// </summary>
    public long SenderLastHop { get; }

    /// <summary>Kept when its peer fails before it was ever queued, so the manager can send it elsewhere (tokens).</summary>
    public bool KeepIfStranded { get; }

    public bool InDoubt
    {
        get
        {
            lock (_gate) return _queuedOnce || _via is not null;
        }
    }

    /// <summary>The peer has provably read it: it echoed a heartbeat sent after the parcel was queued.</summary>
    public bool Settled
    {
        get
        {
            lock (_gate) return SettledLocked;
        }
    }

    private bool SettledLocked => _via is { } via && _queuedAt != 0 && via.Link.LastEchoed > _queuedAt;

    /// <summary>Starts a delivery attempt; any earlier one still running gives up at its next step.</summary>
    public int BeginAttempt()
    {
        lock (_gate) return ++_attempt;
    }

    /// <summary>Queues the message on <paramref name="connection"/> unless a later attempt or a redirection took over.</summary>
    public bool TryQueue(PeerConnection connection, int attempt, CancellationToken cancellationToken, out ValueTask send)
    {
        lock (_gate)
        {
            send = default;
            if (attempt != _attempt) return false;
            _via = connection;
            send = connection.SendAsync(Message, cancellationToken);
            return true;
        }
    }

    public void OnQueued(int attempt, long now)
    {
        lock (_gate)
        {
            if (attempt != _attempt || _via is null) return;
            _queuedOnce = true;
            _queuedAt = now;
        }
    }

    /// <summary>The send threw, so the frame never reached the connection's queue.</summary>
    public void OnNotQueued(PeerConnection connection, int attempt)
    {
        lock (_gate)
        {
            if (attempt == _attempt && _via == connection) _via = null;
        }
    }

    /// <summary>The connection it went out on closed before the peer proved it read it: it must go out again.</summary>
    public bool TryReopen(out int attempt)
    {
        lock (_gate)
        {
            attempt = 0;
            if (_via is not { IsClosed: true } || SettledLocked) return false;
            _queuedOnce = true;
            _via = null;
            _queuedAt = 0;
            attempt = ++_attempt;
            return true;
        }
    }

    /// <summary>Ends every delivery attempt if the parcel never was queued; false if the peer may have it.</summary>
    public bool TryWithdraw()
    {
        lock (_gate)
        {
            if (_queuedOnce || _via is not null) return false;
            _attempt = -1;
            return true;
        }
    }
}
