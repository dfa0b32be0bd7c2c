using System.Buffers;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Runtime.Tests.FaultHandling;

/// <summary>
/// Resets a site's connection just as it sends one chosen kind of message: the message is lost, as bytes still
/// in a socket's buffer are when the connection resets, and the connection is aborted. The site keeps
/// listening, so the next dial succeeds: a transient fault, not a crash.
/// </summary>
internal sealed class ConnectionCutter(ITransport inner) : ITransport
{
    private const int Disarmed = -1;

    // Longer than the fault tests' heartbeat interval, shorter than their silence bound: frames sent between the
    // cut and the reset are lost as well, and the link is not yet declared silent.
    private static readonly TimeSpan ResetDelay = TimeSpan.FromMilliseconds(300);
    private int _armed = Disarmed;
    private int _passBeforeCut;
    private int _cuts;

    public int Cuts => Volatile.Read(ref _cuts);

    public string? LocalAddress => inner.LocalAddress;

    /// <summary>The next message of <paramref name="kind"/> this site sends, after <paramref name="letPass"/> more of them, is lost with its connection.</summary>
    public void CutNext(MessageKind kind, int letPass = 0)
    {
        Volatile.Write(ref _passBeforeCut, letPass);
        Volatile.Write(ref _armed, (int)kind);
    }

    public ValueTask<string> ListenAsync(string address, Action<IFrameConnection> onAccepted, CancellationToken cancellationToken)
        => inner.ListenAsync(address, connection => onAccepted(new Connection(connection, this)), cancellationToken);

    public async ValueTask<IFrameConnection> ConnectAsync(string address, CancellationToken cancellationToken)
        => new Connection(await inner.ConnectAsync(address, cancellationToken), this);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private bool TryCut(OutboundFrame frame)
    {
        var armed = Volatile.Read(ref _armed);
        if (armed == Disarmed || KindOf(frame) != (MessageKind)armed || Interlocked.Decrement(ref _passBeforeCut) >= 0) return false;
        if (Interlocked.CompareExchange(ref _armed, Disarmed, armed) != armed) return false;
        Interlocked.Increment(ref _cuts);
        return true;
    }

    private static MessageKind? KindOf(OutboundFrame frame)
    {
        try
        {
            return WireCodec.Decode(new ReadOnlySequence<byte>(frame.Memory)).Kind;
        }
        catch (ProtocolViolationException)
        {
            // Handshake frames have a fixed layout of their own.
            return null;
        }
    }

    private sealed class Connection(IFrameConnection inner, ConnectionCutter cutter) : IFrameConnection
    {
        private int _cut;

        public string RemoteAddress => inner.RemoteAddress;

        public Task Completion => inner.Completion;

        public void Start(IFrameSink sink) => inner.Start(sink);

        public ValueTask SendAsync(OutboundFrame frame, CancellationToken cancellationToken)
        {
            // Once cut, every later frame is lost too, as on a real connection that resets: a heartbeat sent after
            // the lost message must not reach the peer and be echoed, which would prove the lost message read.
            if (Volatile.Read(ref _cut) == 0 && !cutter.TryCut(frame)) return inner.SendAsync(frame, cancellationToken);
            frame.Return();
            if (Interlocked.Exchange(ref _cut, 1) == 0)
            {
                // The sender saw its send succeed, as with a socket; the reset comes later, after heartbeats are due.
                _ = Task.Run(async () =>
                {
                    await Task.Delay(ResetDelay);
                    inner.Abort(new ConnectionClosedException("The test cut this connection."));
                });
            }
            return ValueTask.CompletedTask;
        }

        public void Abort(Exception? reason) => inner.Abort(reason);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
