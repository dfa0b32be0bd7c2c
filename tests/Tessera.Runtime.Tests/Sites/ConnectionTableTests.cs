using System.Buffers;
using Tessera.Sites;
using Tessera.Transport;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

public sealed class ConnectionTableTests
{
    [Fact]
    public async Task A_connection_reserved_for_a_Hello_is_offered_to_senders_only_once_its_Accept_is_queued()
    {
        await using var harness = new SiteHarness();
        var site = await harness.StartSiteAsync();
        PeerConnection[]? offeredWhileAccepting = null;
        var raw = new SilentConnection(onSend: () => offeredWhileAccepting ??= site.Connections.Established());
        var connection = PeerConnection.ForAcceptor(raw, site.Connections);
        connection.Start();
        var hello = new HandshakeFrame(ProtocolVersion.Current, HandshakeKind.Hello, HandshakeRejection.None, SiteIdentity.NewIncarnation(Guid.NewGuid()));

        ((IFrameSink)connection).OnFrame(raw, new ReadOnlySequence<byte>(hello.Encode()));

        // A heartbeat or a broadcast posted then would go out ahead of the Accept, as the dialer's handshake answer.
        Assert.NotNull(offeredWhileAccepting);
        Assert.DoesNotContain(connection, offeredWhileAccepting);
        Assert.Contains(connection, site.Connections.Established());
    }

    /// <summary>A connection that takes every frame and delivers nothing.</summary>
    private sealed class SilentConnection(Action onSend) : IFrameConnection
    {
        public string RemoteAddress => "silent";

        public Task Completion { get; } = new TaskCompletionSource().Task;

        public void Start(IFrameSink sink)
        {
        }

        public ValueTask SendAsync(OutboundFrame frame, CancellationToken cancellationToken)
        {
            onSend();
            frame.Return();
            return ValueTask.CompletedTask;
        }

        public void Abort(Exception? reason)
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
