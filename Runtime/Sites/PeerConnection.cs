using System;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.FailureDetection;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>
/// One connection to one peer site: runs the handshake, then encodes, counts and matches messages.
/// Requests awaiting a reply live here, so when the connection drops they fail at once.
/// </summary>
internal sealed partial class PeerConnection : IFrameSink
{
    private enum Phase
    {
        AwaitingHello,
        AwaitingAccept,
        Established,
        Closed,
    }

    private readonly IFrameConnection _connection;
    private readonly ConnectionTable _table;
    private readonly ReplySlotTable _replies = new();
    private readonly TaskCompletionSource<HandshakeFrame> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SiteIdentity? _expectedPeer;
    private volatile Phase _phase;
    private int _homeCalls;
    private int _postsWaitingForRoom;
    private Exception? _closeReason;

    private PeerConnection(IFrameConnection connection, ConnectionTable table, Phase phase, SiteIdentity? expectedPeer)
    {
        _connection = connection;
        _table = table;
        _phase = phase;
        _expectedPeer = expectedPeer;
        Link = new LinkMonitor(table.Time);
    }

    /// <summary>When this connection last carried traffic each way, for the failure detector.</summary>
    public LinkMonitor Link { get; }

    public SiteIdentity Peer { get; private set; }

    public string RemoteAddress => _connection.RemoteAddress;

    public bool IsClosed => _phase == Phase.Closed;

    /// <summary>Counts a call of this peer's that starts at home; false, counting nothing, when <paramref name="limit"/> are running.</summary>
    public bool TryStartHomeCall(int limit)
    {
        if (Interlocked.Increment(ref _homeCalls) <= limit) return true;
        Interlocked.Decrement(ref _homeCalls);
        return false;
    }

    public void EndHomeCall() => Interlocked.Decrement(ref _homeCalls);

    /// <summary>Completes with the peer's Accept or Reject; faults if the connection closes first.</summary>
    public Task<HandshakeFrame> Handshake => _handshake.Task;

    public static PeerConnection ForDialer(IFrameConnection connection, ConnectionTable table, SiteIdentity expectedPeer)
        => new(connection, table, Phase.AwaitingAccept, expectedPeer);

    public static PeerConnection ForAcceptor(IFrameConnection connection, ConnectionTable table)
        => new(connection, table, Phase.AwaitingHello, null);

    public void Start() => _connection.Start(this);

    public ValueTask SendAsync(WireMessage message, CancellationToken cancellationToken)
    {
        if (_phase == Phase.Closed) throw Closed();
        return SendAsync(WireCodec.Encode(message), message.Kind, cancellationToken);
    }

    /// <summary>Sends a frame already encoded (<see cref="CallFrames"/>), counted as <paramref name="kind"/>. The connection owns the frame from here.</summary>
    public async ValueTask SendAsync(OutboundFrame frame, MessageKind kind, CancellationToken cancellationToken)
    {
        if (_phase == Phase.Closed)
        {
            frame.Return();
            throw Closed();
        }
        var counters = _table.Counters;
        counters.OnSending(kind);
        try
        {
            await _connection.SendAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            counters.OnRefused(kind);
            throw;
        }
        counters.OnSent(kind);
        // An echo does not make the link busy: if it did, a side answering the peer's heartbeats might never be
        // idle long enough to send its own, and what it keeps for a resend would wait for an echo forever.
        if (kind != MessageKind.HeartbeatAck) Link.OnSent();
    }

    /// <summary>Queues a message nobody waits on; if the connection is closing, it is dropped with it.</summary>
    public void Post(WireMessage message) => PostUnlessTooLarge(message);

    /// <summary>
    /// <see cref="Post"/>, except that a message too large for a frame is not dropped silently: its refusal is
    /// returned, so the sender can send something smaller in its place (the peer would otherwise wait for nothing).
    /// </summary>
    public FrameTooLargeException? PostUnlessTooLarge(WireMessage message)
        => _phase == Phase.Closed ? null : PostUnlessTooLarge(WireCodec.Encode(message), message.Kind);

    /// <summary><see cref="PostUnlessTooLarge(WireMessage)"/> for a frame already encoded; the connection owns it from here.</summary>
    public FrameTooLargeException? PostUnlessTooLarge(OutboundFrame frame, MessageKind kind)
    {
        var send = SendAsync(frame, kind, CancellationToken.None);
        if (send.IsCompletedSuccessfully) return null;
        // A ValueTask may be consumed once: as a task from here on.
        var sending = send.AsTask();
        if (sending.Exception?.InnerException is FrameTooLargeException tooLarge) return tooLarge;
        if (sending.IsCompleted) _ = ObserveAsync(new ValueTask(sending));
        else WaitForRoom(sending);
        return null;
    }

    /// <summary>
    /// A post found the send queue full. Posts wait for room without a deadline, since nobody awaits them, so the
    /// peer's reading is what bounds them: past the limit it reads far slower than it sends, and is cut off.
    /// </summary>
    private void WaitForRoom(Task sending)
    {
        var waiting = Interlocked.Increment(ref _postsWaitingForRoom);
        _ = ObserveWaitingAsync(sending);
        if (waiting != _table.MaxMessagesWaitingForRoom + 1) return;
        var reason = new PeerNotReadingException($"Site {Peer} did not read: {waiting} messages owed to it waited for room in a full send queue of this connection (TransportOptions.MaxMessagesWaitingForRoom is {_table.MaxMessagesWaitingForRoom}).");
        _table.Logger.LogWarning("Closing connection {Connection}: {Reason}", this, reason.Message);
        Abort(reason);
    }

    private async Task ObserveWaitingAsync(Task sending)
    {
        try
        {
            await ObserveAsync(new ValueTask(sending)).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _postsWaitingForRoom);
        }
    }

    /// <summary>Sends the request built for a fresh id and waits for the reply that carries that id.</summary>
    public async Task<WireMessage> RequestAsync(Func<long, WireMessage> buildRequest, CancellationToken cancellationToken)
    {
        var request = await BeginRequestAsync(buildRequest, cancellationToken).ConfigureAwait(false);
        try
        {
            return (await request.Reply.ConfigureAwait(false)).Message;
        }
        finally
        {
            EndRequest(request);
        }
    }

    /// <summary>
    /// Rents a reply slot and sends the request. <paramref name="cancellationToken"/> bounds the send and
    /// the wait for the reply alike. The caller must call <see cref="EndRequest"/> once it stops waiting.
    /// </summary>
    public ValueTask<PendingRequest> BeginRequestAsync(Func<long, WireMessage> buildRequest, CancellationToken cancellationToken)
        => BeginRequestAsync(static (id, build) =>
        {
            var request = build(id);
            return (WireCodec.Encode(request), request.Kind);
        }, buildRequest, cancellationToken);

    /// <summary>
    /// <see cref="BeginRequestAsync(Func{long, WireMessage}, CancellationToken)"/> for a request encoded
    /// straight into its frame, with its ingredients passed as state, so a hot caller needs no message
    /// object, no closure and no delegate per request.
    /// </summary>
    public ValueTask<PendingRequest> BeginRequestAsync<TState>(Func<long, TState, (OutboundFrame Frame, MessageKind Kind)> encodeRequest, TState state, CancellationToken cancellationToken)
    {
        var pending = _replies.Rent(cancellationToken);
        try
        {
            // Read after the slot is armed: either this sees the close, or the close fails the slot.
            if (_phase == Phase.Closed) throw Closed();
            var (frame, kind) = encodeRequest(pending.Id, state);
            var send = SendAsync(frame, kind, cancellationToken);
            if (send.IsCompletedSuccessfully) return new ValueTask<PendingRequest>(pending);
            return new ValueTask<PendingRequest>(AwaitSendAsync(send, pending));
        }
        catch
        {
            EndRequest(pending);
            throw;
        }
    }

    /// <summary>Gives the request's reply slot back; a reply still on its way is dropped.</summary>
    public void EndRequest(PendingRequest request) => _replies.Return(request);

    private async Task<PendingRequest> AwaitSendAsync(ValueTask send, PendingRequest pending)
    {
        try
        {
            await send.ConfigureAwait(false);
            return pending;
        }
        catch
        {
            EndRequest(pending);
            throw;
        }
    }

    public void Abort(Exception? reason) => _connection.Abort(reason);

    /// <summary>Lets queued frames flush, then closes.</summary>
    public ValueTask CloseGracefullyAsync() => _connection.DisposeAsync();

    public Task Completion => _connection.Completion;

    void IFrameSink.OnFrame(IFrameConnection connection, ReadOnlySequence<byte> frame)
    {
        switch (_phase)
        {
            case Phase.Established:
                OnEstablishedFrame(frame);
                break;
            case Phase.AwaitingHello:
                OnHello(HandshakeFrame.Decode(frame));
                break;
            case Phase.AwaitingAccept:
                OnHandshakeAnswer(HandshakeFrame.Decode(frame));
                break;
            default:
                throw new ProtocolViolationException("A frame arrived on a connection that was already closing.");
        }
    }

    void IFrameSink.OnClosed(IFrameConnection connection, Exception? reason)
    {
        _closeReason = reason;
        _phase = Phase.Closed;
        var closed = Closed();
        _handshake.TrySetException(closed);
        _replies.FailAll(closed);
        _table.OnClosed(this, reason);
    }

    private void OnMessage(WireMessage message)
    {
        if (message is IReplyMessage reply)
        {
            OnReply(message.Kind, reply.ReplyTo, new RequestReply(message));
            return;
        }
        OnReceived(message.Kind);
        _table.Handler.OnRequest(this, message);
    }

    private void OnEstablishedFrame(in ReadOnlySequence<byte> frame)
    {
        var handled = frame.IsSingleSegment ? TryOnCallFrame(frame.FirstSpan) : TryOnSplitCallFrame(frame);
        if (!handled) OnMessage(WireCodec.Decode(frame));
    }

    /// <summary>
    /// A call frame split across two of the pipe's buffers, joined in a pooled array first. Split frames are
    /// common once arguments reach a kilobyte (about one in four at 1 KiB); decoded by MemoryPack instead, each
    /// cost a message object and an array of its own.
    /// </summary>
    private bool TryOnSplitCallFrame(in ReadOnlySequence<byte> frame)
    {
        if (frame.FirstSpan.IsEmpty || !CallFrames.IsCallTag(frame.FirstSpan[0])) return false;
        var length = (int)frame.Length;
        var joined = FrameBuffers.Rent(length);
        try
        {
            frame.CopyTo(joined);
            return TryOnCallFrame(joined.AsSpan(0, length));
        }
        finally
        {
            FrameBuffers.Return(joined);
        }
    }

    /// <summary>The messages of a call that succeeds are read straight from the frame, with no message object.</summary>
    private bool TryOnCallFrame(ReadOnlySpan<byte> frame)
    {
        if (CallFrames.TryReadAsyncReply(frame, out var asyncCallId, out var asyncResult))
        {
            OnReceived(MessageKind.AsyncReply);
            _table.Handler.OnAsyncReply(this, asyncCallId, asyncResult);
        }
        else if (CallFrames.TryReadAsyncCall(frame, out var asyncCall))
        {
            OnReceived(MessageKind.AsyncCall);
            _table.Handler.OnAsyncCall(this, asyncCall);
        }
        else if (CallFrames.TryReadCallReply(frame, out var callId, out var result))
        {
            OnReply(MessageKind.Reply, callId, new RequestReply(result));
        }
        else if (CallFrames.TryReadCallRequest(frame, out var call))
        {
            OnReceived(MessageKind.Call);
            _table.Handler.OnCall(this, call);
        }
        else
        {
            return false;
        }
        return true;
    }

    private void OnReply(MessageKind kind, long replyTo, RequestReply reply)
    {
        OnReceived(kind);
        // A reply whose caller already gave up (deadline, cancellation) finds nobody and is dropped.
        if (!_replies.TryComplete(replyTo, reply) && reply.IsCallResult) reply.CallResult.Return();
    }

    private void OnReceived(MessageKind kind)
    {
        _table.Counters.OnReceived(kind);
        if (Link.OnReceived()) _table.OnLinkRecovered(this);
    }

    /// <summary>
    /// <see cref="Post"/> only if the send queue has room now; false, with nothing queued, otherwise. For refusals
    /// sent to a peer that may be flooding this site and reading nothing: waiting for room would keep a blocked send
    /// here for every call refused.
    /// </summary>
    public bool TryPostNow(WireMessage message)
    {
        using var giveUp = new CancellationTokenSource();
        ValueTask send;
        try
        {
            send = SendAsync(message, giveUp.Token);
        }
        catch (TesseraException)
        {
            return false;
        }
        if (send.IsCompletedSuccessfully) return true;
        // Cancelling a send that waits for room takes it out of the queue's waiters at once.
        if (!send.IsCompleted) giveUp.Cancel();
        _ = ObserveAsync(send);
        return false;
    }

    private static async Task ObserveAsync(ValueTask send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private ConnectionClosedException Closed()
        => new($"The connection to {(Peer == default ? RemoteAddress : Peer.ToString())} closed{(_closeReason is null ? "" : ": " + _closeReason.Message)}", _closeReason);

    public override string ToString() => $"{Peer}@{RemoteAddress}";
}
