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
            await HandshakeAsync(connection, stalled);

            // Once the link's buffer and home's send queue are full, a whole batch adds (almost) no ack: an ack that finds
            // no room is dropped, not kept waiting (its count is taken back a moment later, on the pool). They fill within
            // a few batches (about 6,000 acks), not always within the first: the queue can be full for a moment while the
            // writer still moves acks into the link after the batch ends. Before the fix every batch added 20,000.
            var full = false;
            for (var batch = 0; batch < 20 && !full; batch++)
            {
                var acksBefore = home.Counters.Sent(MessageKind.HeartbeatAck);
                await SendHeartbeatsAsync(connection, home, heartbeats, batch * heartbeats);
                full = await Poll.TryUntilAsync(() => home.Counters.Sent(MessageKind.HeartbeatAck) - acksBefore < 16, TimeSpan.FromMilliseconds(500));
            }
            Assert.True(full, "Every batch of heartbeats had acks kept waiting for room in the send queue.");
        }
        finally
        {
            stalled.Release.Set();
            connection.Abort(null);
        }
    }

    [Fact]
    public async Task A_peer_that_sends_async_calls_and_reads_none_of_their_results_is_cut_off_once_they_pass_the_limit()
    {
        const int limit = 200;
        await using var harness = new SiteHarness();
        var log = new CapturedLog();
        var home = await harness.StartSiteAsync(
            transportOptions: new TransportOptions { SendQueueCapacity = 16, MaxMessagesWaitingForRoom = limit },
            configure: options => options with { LoggerFactory = log });
        var ticket = Ticket.Parse(Sequencer.Create().Offer(home));
        var greeter = await Greeter.TakeAsync(await harness.StartSiteAsync(), new Greeter().OfferUnlimited(home));
        var stalled = new StallAfterHandshake();
        var connection = await harness.Network.CreateTransport(new TransportOptions { MaxFrameSize = 1024 }).ConnectAsync(home.Address, CancellationToken.None);
        connection.Start(stalled);
        try
        {
            await HandshakeAsync(connection, stalled);
            var secret = new byte[TicketSecret.Size];
            ticket.Secret.WriteTo(secret);
            await connection.SendAsync(WireCodec.Encode(new TakeRequest { RequestId = 1, ObjectKey = ticket.ObjectKey, Secret = secret, TypeName = ticket.TypeName, TypeFingerprint = ticket.TypeFingerprint }), CancellationToken.None);
            var taken = (TakeReply)WireCodec.Decode(new ReadOnlySequence<byte>(await stalled.Taken.Task.WaitAsync(TimeSpan.FromSeconds(10))));
            Assert.Equal(TakeStatus.Granted, taken.Status);

            // Each call names a method the object does not have, so each is answered with a fault nobody reads.
            bool CutOff() => log.Lines.Any(line => line.StartsWith("Closing connection") && line.Contains("did not read"));
            for (var i = 1; i <= 20 * limit && !CutOff(); i++)
            {
                try
                {
                    await connection.SendAsync(WireCodec.Encode(new AsyncCall { CallId = i, ObjectKey = taken.ObjectKey, MethodId = uint.MaxValue, Arguments = [] }), CancellationToken.None)
                        .AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (ConnectionClosedException)
                {
                    break;
                }
                if (i % limit == 0) await Poll.UntilAsync(() => CutOff() || home.Counters.Received(MessageKind.AsyncCall) == i);
            }

            await Poll.UntilAsync(CutOff);
            var closing = Assert.Single(log.Lines, line => line.StartsWith("Closing connection") && line.Contains("did not read"));
            Assert.Contains($"{limit + 1} messages owed to it waited for room", closing);
            Assert.Equal("hello still", greeter.Greet("still"));
        }
        finally
        {
            stalled.Release.Set();
            connection.Abort(null);
        }
    }

    private static async Task HandshakeAsync(IFrameConnection connection, StallAfterHandshake stalled)
    {
        var hello = new HandshakeFrame(ProtocolVersion.Current, HandshakeKind.Hello, HandshakeRejection.None, SiteIdentity.NewIncarnation(Guid.NewGuid()));
        await connection.SendAsync(OutboundFrame.Copy(hello.Encode()), CancellationToken.None);
        await stalled.Accepted.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task SendHeartbeatsAsync(IFrameConnection connection, Site home, int count, int receivedBefore)
    {
        for (var i = 0; i < count; i++) await connection.SendAsync(WireCodec.Encode(new Heartbeat { SentAt = i }), CancellationToken.None);
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Heartbeat) == receivedBefore + count);
    }

    /// <summary>
    /// Takes the handshake's answer and one frame of a non-heartbeat message (kept in <see cref="Taken"/>), then blocks
    /// its reader: nothing more is read until released.
    /// </summary>
    private sealed class StallAfterHandshake : IFrameSink
    {
        public TaskCompletionSource Accepted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<byte[]> Taken { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim Release { get; } = new();

        public void OnFrame(IFrameConnection connection, ReadOnlySequence<byte> frame)
        {
            if (Accepted.TrySetResult()) return;
            if (!Taken.Task.IsCompleted && WireCodec.Decode(frame) is not (Heartbeat or HeartbeatAck))
            {
                Taken.SetResult(frame.ToArray());
                return;
            }
            Release.Wait(TimeSpan.FromSeconds(30));
        }

        public void OnClosed(IFrameConnection connection, Exception? reason) => Release.Set();
    }
}
