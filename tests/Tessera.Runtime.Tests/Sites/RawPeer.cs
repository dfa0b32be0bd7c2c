using System.Buffers;
using System.Threading.Channels;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>A connection driven by hand, to send a site what a well-behaved peer never would.</summary>
internal sealed class RawPeer : IFrameSink
{
    private readonly Channel<byte[]> _frames = Channel.CreateUnbounded<byte[]>();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RawPeer(IFrameConnection connection) => Connection = connection;

    public IFrameConnection Connection { get; }

    public Task<Exception?> Closed => _closed.Task;

    public static async Task<RawPeer> ConnectAsync(ITransport transport, string address)
    {
        var connection = await transport.ConnectAsync(address, CancellationToken.None);
        var peer = new RawPeer(connection);
        connection.Start(peer);
        return peer;
    }

    public ValueTask SendAsync(byte[] body) => Connection.SendAsync(OutboundFrame.Copy(body), CancellationToken.None);

    public async Task<byte[]> ReceiveAsync() => await _frames.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Says Hello as a site of its own and returns once the site accepted it.</summary>
    public async Task HandshakeAsync()
    {
        var hello = new HandshakeFrame(ProtocolVersion.Current, HandshakeKind.Hello, HandshakeRejection.None, SiteIdentity.NewIncarnation(Guid.NewGuid()));
        await SendAsync(hello.Encode());
        var answer = HandshakeFrame.Decode(new ReadOnlySequence<byte>(await ReceiveAsync()));
        if (answer.Kind != HandshakeKind.Accept) throw new InvalidOperationException($"The site answered the Hello with {answer.Kind} ({answer.Rejection}).");
    }

    /// <summary>The next message of type <typeparamref name="T"/> within 10 s, skipping the others (heartbeats).</summary>
    public async Task<T> ReceiveAsync<T>() where T : WireMessage
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var frame = await _frames.Reader.ReadAsync(deadline.Token);
            if (WireCodec.Decode(new ReadOnlySequence<byte>(frame)) is T message) return message;
        }
    }

    public void OnFrame(IFrameConnection connection, ReadOnlySequence<byte> frame) => _frames.Writer.TryWrite(frame.ToArray());

    public void OnClosed(IFrameConnection connection, Exception? reason) => _closed.TrySetResult(reason);
}
