using System;
using System.Threading;
using Microsoft.Extensions.Logging;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>The handshake: who the peer is, whether it speaks this protocol version, and whether this site takes it.</summary>
internal sealed partial class PeerConnection
{
    private const int HandshakeFrameLimit = 1024;

    public void SendHello() => SendHandshake(HandshakeKind.Hello, HandshakeRejection.None);

    /// <summary>
    /// Before the handshake only a handshake may arrive: a peer that has not said who it is cannot make this site
    /// buffer a full-size frame. Generous next to the 32-byte handshake, so that a longer one from another version
    /// still gets its clear refusal from <see cref="HandshakeFrame.Decode"/>.
    /// </summary>
    int IFrameSink.NextFrameLimit => _phase is Phase.Established ? int.MaxValue : HandshakeFrameLimit;

    private void OnHello(HandshakeFrame hello)
    {
        if (hello.Kind != HandshakeKind.Hello)
            throw new ProtocolViolationException($"Expected a Hello to open the connection but got {hello.Kind}.");
        if (hello.Version != ProtocolVersion.Current)
        {
            RejectAndClose(HandshakeRejection.VersionMismatch);
            _table.Logger.LogWarning("Refused a connection from {Remote}: it speaks protocol version {Version}, this site speaks {Current}.", RemoteAddress, hello.Version, ProtocolVersion.Current);
            return;
        }
        Peer = hello.Site;
        var rejection = _table.ReserveInbound(this, hello.Site);
        if (rejection != HandshakeRejection.None)
        {
            RejectAndClose(rejection);
            return;
        }
        _phase = Phase.Established;
        SendHandshake(HandshakeKind.Accept, HandshakeRejection.None);
        _table.Publish(this);
    }

    private void OnHandshakeAnswer(HandshakeFrame answer)
    {
        if (answer.Kind == HandshakeKind.Accept)
        {
            // No version speaks another's protocol; the site id of another version's layout cannot be read either.
            if (answer.Version != ProtocolVersion.Current)
            {
                FailHandshake(new ProtocolVersionMismatchException(ProtocolVersion.Current, answer.Version, $"The site at {RemoteAddress}"));
                return;
            }
            // Whether the site restarted here is for the dial to judge, once it knows if another hint reaches it.
            if (_expectedPeer is { } expected && answer.Site != expected)
            {
                FailHandshake(new AnsweredByAnotherSiteException(RemoteAddress, expected, answer.Site));
                return;
            }
            Peer = answer.Site;
            _phase = Phase.Established;
        }
        else if (answer.Kind == HandshakeKind.Reject)
        {
            _phase = Phase.Closed;
        }
        else
        {
            throw new ProtocolViolationException($"Expected Accept or Reject but got {answer.Kind}.");
        }
        _handshake.TrySetResult(answer);
    }

    private void FailHandshake(Exception reason)
    {
        _phase = Phase.Closed;
        _handshake.TrySetException(reason);
        _ = _connection.DisposeAsync();
    }

    private void RejectAndClose(HandshakeRejection rejection)
    {
        SendHandshake(HandshakeKind.Reject, rejection);
        _phase = Phase.Closed;
        _ = _connection.DisposeAsync();
    }

    private void SendHandshake(HandshakeKind kind, HandshakeRejection rejection)
    {
        var frame = new HandshakeFrame(ProtocolVersion.Current, kind, rejection, _table.Self).Encode();
        // The send queue is empty while handshaking, so this completes synchronously; a failure means
        // the connection is already closing, which OnClosed reports.
        var send = _connection.SendAsync(OutboundFrame.Copy(frame), CancellationToken.None);
        if (!send.IsCompletedSuccessfully) _ = ObserveAsync(send);
    }
}
