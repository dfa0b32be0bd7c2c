using System.Buffers;
using Tessera.Transport;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>A peer that keeps sending and reads nothing: what a site answers it must not pile up without bound.</summary>
public sealed class StalledPeerTests
{
    [Fact]
    public async Task Heartbeats_from_a_peer_that_reads_nothing_are_not_answered_past_a_full_send_queue()
    {
        const int heartbeats = 20_000;
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var stalled = new StallAfterHandshake();
        // A small frame limit keeps the link's buffer towards this peer small, so home's send queue fills soon.
        var connection = await harness.Network.CreateTransport(new TransportOptions { MaxFrameSize = 1024 }).ConnectAsync(home.Address, CancellationToken.None);
        connection.Start(stalled);
        try
        {
            var hello = new HandshakeFrame(ProtocolVersion.Current, HandshakeKind.Hello, HandshakeRejection.None, SiteIdentity.NewIncarnation(Guid.NewGuid()));
            await connection.SendAsync(OutboundFrame.Copy(hello.Encode()), CancellationToken.None);
            await stalled.Accepted.Task.WaitAsync(TimeSpan.FromSeconds(10));

            // The first batch fills the link's buffer and home's send queue; nothing drains after that.
            await SendHeartbeatsAsync(connection, home, heartbeats, 0);
            var acksWhenFull = home.Counters.Sent(MessageKind.HeartbeatAck);
            await SendHeartbeatsAsync(connection, home, heartbeats, heartbeats);

            // Acks counted as sent were queued or wait for room; an ack that finds no room is dropped, not kept waiting
            // (its count is taken back a moment later, on the pool).
            await Poll.UntilAsync(() => home.Counters.Sent(MessageKind.HeartbeatAck) - acksWhenFull < 16);
        }
        finally
        {
            stalled.Release.Set();
            connection.Abort(null);
        }
    }

    private static async Task SendHeartbeatsAsync(IFrameConnection connection, Site home, int count, int receivedBefore)
    {
        for (var i = 0; i < count; i++) await connection.SendAsync(WireCodec.Encode(new Heartbeat { SentAt = i }), CancellationToken.None);
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Heartbeat) == receivedBefore + count);
    }

    /// <summary>Takes the handshake's answer, then blocks its reader: nothing more is read until released.</summary>
    private sealed class StallAfterHandshake : IFrameSink
    {
        public TaskCompletionSource Accepted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim Release { get; } = new();

        public void OnFrame(IFrameConnection connection, ReadOnlySequence<byte> frame)
        {
            if (!Accepted.TrySetResult()) Release.Wait(TimeSpan.FromSeconds(30));
        }

        public void OnClosed(IFrameConnection connection, Exception? reason) => Release.Set();
    }
}
