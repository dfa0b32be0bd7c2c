using System.Buffers;
using System.Threading.Channels;
using Tessera.Transport;

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

    public void OnFrame(IFrameConnection connection, ReadOnlySequence<byte> frame) => _frames.Writer.TryWrite(frame.ToArray());

    public void OnClosed(IFrameConnection connection, Exception? reason) => _closed.TrySetResult(reason);
}
