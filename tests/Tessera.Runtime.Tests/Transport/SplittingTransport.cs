using System.Buffers;
using Tessera.Transport;

namespace Tessera.Runtime.Tests.Transport;

/// <summary>
/// Hands every frame a site receives over in segments of a few bytes, as a pipe does with a frame that
/// crosses the end of one of its buffers: the case real traffic hits only now and then.
/// </summary>
internal sealed class SplittingTransport(ITransport inner, int segmentSize = 3) : ITransport
{
    public string? LocalAddress => inner.LocalAddress;

    public ValueTask<string> ListenAsync(string address, Action<IFrameConnection> onAccepted, CancellationToken cancellationToken)
        => inner.ListenAsync(address, connection => onAccepted(new Connection(connection, segmentSize)), cancellationToken);

    public async ValueTask<IFrameConnection> ConnectAsync(string address, CancellationToken cancellationToken)
        => new Connection(await inner.ConnectAsync(address, cancellationToken), segmentSize);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private sealed class Connection(IFrameConnection inner, int segmentSize) : IFrameConnection
    {
        public string RemoteAddress => inner.RemoteAddress;

        public Task Completion => inner.Completion;

        public void Start(IFrameSink sink) => inner.Start(new Splitter(sink, this, segmentSize));

        public ValueTask SendAsync(OutboundFrame frame, CancellationToken cancellationToken) => inner.SendAsync(frame, cancellationToken);

        public void Abort(Exception? reason) => inner.Abort(reason);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class Splitter(IFrameSink sink, IFrameConnection connection, int segmentSize) : IFrameSink
    {
        public void OnFrame(IFrameConnection _, ReadOnlySequence<byte> frame) => sink.OnFrame(connection, Segments.Of(frame.ToArray(), segmentSize));

        public int NextFrameLimit => sink.NextFrameLimit;

        public void OnClosed(IFrameConnection _, Exception? reason) => sink.OnClosed(connection, reason);
    }
}
