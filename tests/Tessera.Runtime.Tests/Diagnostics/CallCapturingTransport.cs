using System.Buffers;
using System.Collections.Concurrent;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Runtime.Tests.Diagnostics;

/// <summary>Lets every frame through, and keeps the trace context of each call message a site sends.</summary>
internal sealed class CallCapturingTransport(ITransport inner) : ITransport
{
    private readonly ConcurrentQueue<(MessageKind Kind, byte[]? TraceContext)> _calls = new();

    /// <summary>The calls sent so far: stationary <see cref="CallRequest"/>s and <see cref="AsyncCall"/>s.</summary>
    public IReadOnlyCollection<(MessageKind Kind, byte[]? TraceContext)> Calls => _calls;

    public string? LocalAddress => inner.LocalAddress;

    public ValueTask<string> ListenAsync(string address, Action<IFrameConnection> onAccepted, CancellationToken cancellationToken)
        => inner.ListenAsync(address, connection => onAccepted(new Connection(connection, this)), cancellationToken);

    public async ValueTask<IFrameConnection> ConnectAsync(string address, CancellationToken cancellationToken)
        => new Connection(await inner.ConnectAsync(address, cancellationToken), this);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Inspect(OutboundFrame frame)
    {
        WireMessage message;
        try
        {
            message = WireCodec.Decode(new ReadOnlySequence<byte>(frame.Memory));
        }
        catch (ProtocolViolationException)
        {
            // Handshake frames have a fixed layout of their own.
            return;
        }
        if (message is CallRequest call) _calls.Enqueue((call.Kind, call.TraceContext));
        else if (message is AsyncCall asyncCall) _calls.Enqueue((asyncCall.Kind, asyncCall.TraceContext));
    }

    private sealed class Connection(IFrameConnection inner, CallCapturingTransport transport) : IFrameConnection
    {
        public string RemoteAddress => inner.RemoteAddress;

        public Task Completion => inner.Completion;

        public void Start(IFrameSink sink) => inner.Start(sink);

        public ValueTask SendAsync(OutboundFrame frame, CancellationToken cancellationToken)
        {
            transport.Inspect(frame);
            return inner.SendAsync(frame, cancellationToken);
        }

        public void Abort(Exception? reason) => inner.Abort(reason);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
