using System.Threading.Channels;
using Tessera.Transport;
using Xunit;

namespace Tessera.Runtime.Tests.Transport;

/// <summary>
/// Behaviour every <see cref="ITransport"/> must share; each transport's test class runs all of it.
/// </summary>
public abstract class TransportContractTests : IAsyncLifetime
{
    private readonly List<ITransport> _transports = new();

    protected abstract string AnyListenAddress { get; }

    protected abstract ITransport CreateTransportCore(TransportOptions? options);

    protected ITransport CreateTransport(TransportOptions? options = null)
    {
        var transport = CreateTransportCore(options);
        _transports.Add(transport);
        return transport;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var transport in _transports) await transport.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Default);
    }

    protected async Task<Listener> ListenAsync(TransportOptions? options = null)
    {
        var transport = CreateTransport(options);
        var accepted = Channel.CreateUnbounded<IFrameConnection>();
        var address = await transport.ListenAsync(AnyListenAddress, c => accepted.Writer.TryWrite(c), CancellationToken.None)
            .AsTask().WaitAsync(TestTimeouts.Default);
        return new Listener(transport, address, accepted.Reader);
    }

    /// <summary>Dials <paramref name="listener"/> and starts both ends. Callers dial one at a time so accepts pair up.</summary>
    protected async Task<Pair> ConnectAsync(Listener listener, ITransport? dialer = null, RecordingSink? serverSink = null, RecordingSink? clientSink = null)
    {
        dialer ??= CreateTransport();
        var client = await dialer.ConnectAsync(listener.Address, CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);
        var server = await listener.Accepted.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
        var pair = new Pair(client, clientSink ?? new RecordingSink(), server, serverSink ?? new RecordingSink());
        pair.Client.Start(pair.ClientSink);
        pair.Server.Start(pair.ServerSink);
        return pair;
    }

    private static readonly AsyncLocal<string?> Ambient = new();

    [Fact]
    public async Task Frames_reach_the_sink_outside_the_flows_that_listened_dialed_and_started()
    {
        Ambient.Value = "the listener's flow";
        var listener = await ListenAsync();
        var (seenByServer, seenByClient) = ("not called", "not called");
        var serverSink = new RecordingSink { BeforeFrame = _ => seenByServer = Ambient.Value };
        var clientSink = new RecordingSink { BeforeFrame = _ => seenByClient = Ambient.Value };
        Ambient.Value = "the dialer's flow";
        var pair = await ConnectAsync(listener, serverSink: serverSink, clientSink: clientSink);

        await pair.Client.SendAsync(Frames.Of("ping"), default).AsTask().WaitAsync(TestTimeouts.Default);
        await pair.Server.SendAsync(Frames.Of("pong"), default).AsTask().WaitAsync(TestTimeouts.Default);
        await serverSink.NextAsync();
        await clientSink.NextAsync();

        Assert.Null(seenByServer);
        Assert.Null(seenByClient);
    }

    [Fact]
    public async Task Frames_travel_both_ways_intact()
    {
        var listener = await ListenAsync();
        var pair = await ConnectAsync(listener);
        var large = new byte[1024 * 1024];
        Random.Shared.NextBytes(large);

        await pair.Client.SendAsync(Frames.Of("ping"), default).AsTask().WaitAsync(TestTimeouts.Default);
        await pair.Client.SendAsync(OutboundFrame.Copy([]), default).AsTask().WaitAsync(TestTimeouts.Default);
        await pair.Client.SendAsync(OutboundFrame.Copy(large), default).AsTask().WaitAsync(TestTimeouts.Default);
        await pair.Server.SendAsync(Frames.Of("pong"), default).AsTask().WaitAsync(TestTimeouts.Default);

        Assert.Equal("ping", await pair.ServerSink.NextTextAsync());
        Assert.Empty(await pair.ServerSink.NextAsync());
        Assert.Equal(large, await pair.ServerSink.NextAsync());
        Assert.Equal("pong", await pair.ClientSink.NextTextAsync());
    }

    [Fact]
    public async Task Concurrent_senders_are_each_delivered_in_order()
    {
        const int senders = 8, perSender = 250;
        var listener = await ListenAsync();
        var pair = await ConnectAsync(listener, CreateTransport(new TransportOptions { SendQueueCapacity = 4 }));

        var sending = Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            for (int i = 0; i < perSender; i++)
            {
                var body = new byte[5];
                body[0] = (byte)s;
                BitConverter.TryWriteBytes(body.AsSpan(1), i);
                await pair.Client.SendAsync(OutboundFrame.Copy(body), default);
            }
        }));
        await Task.WhenAll(sending).WaitAsync(TestTimeouts.Default);

        var next = new int[senders];
        for (int n = 0; n < senders * perSender; n++)
        {
            var body = await pair.ServerSink.NextAsync();
            Assert.Equal(next[body[0]]++, BitConverter.ToInt32(body, 1));
        }

        Assert.All(next, count => Assert.Equal(perSender, count));
    }

    [Fact]
    public async Task An_oversized_inbound_frame_closes_only_that_connection()
    {
        var listener = await ListenAsync(new TransportOptions { MaxFrameSize = 1024 });
        var generousDialer = CreateTransport(new TransportOptions { MaxFrameSize = 4096 });
        var offender = await ConnectAsync(listener, generousDialer);

        await offender.Client.SendAsync(OutboundFrame.Copy(new byte[2000]), default).AsTask().WaitAsync(TestTimeouts.Default);

        var reason = Assert.IsType<FrameTooLargeException>(await offender.ServerSink.Closed.WaitAsync(TestTimeouts.Default));
        Assert.Equal(2000, reason.FrameSize);
        Assert.Equal(1024, reason.Limit);
        await offender.ClientSink.Closed.WaitAsync(TestTimeouts.Default);

        var next = await ConnectAsync(listener);
        await next.Client.SendAsync(Frames.Of("still here"), default).AsTask().WaitAsync(TestTimeouts.Default);
        Assert.Equal("still here", await next.ServerSink.NextTextAsync());
    }

    [Fact]
    public async Task An_oversized_outbound_frame_fails_the_send_but_not_the_connection()
    {
        var listener = await ListenAsync();
        var pair = await ConnectAsync(listener, CreateTransport(new TransportOptions { MaxFrameSize = 1024 }));

        var ex = await Assert.ThrowsAsync<FrameTooLargeException>(() => pair.Client.SendAsync(OutboundFrame.Copy(new byte[1025]), default).AsTask());
        Assert.Equal(1025, ex.FrameSize);

        await pair.Client.SendAsync(Frames.Of("fits"), default).AsTask().WaitAsync(TestTimeouts.Default);
        Assert.Equal("fits", await pair.ServerSink.NextTextAsync());
    }

    [Fact]
    public async Task A_sink_that_throws_closes_only_its_own_connection()
    {
        var listener = await ListenAsync();
        var healthy = await ConnectAsync(listener);
        var rejection = new ProtocolViolationException("not a Tessera message");
        var poisoned = await ConnectAsync(listener, serverSink: new RecordingSink
        {
            BeforeFrame = frame => { if (frame.Length == 7) throw rejection; },
        });

        await poisoned.Client.SendAsync(Frames.Of("garbage"), default).AsTask().WaitAsync(TestTimeouts.Default);

        Assert.Same(rejection, await poisoned.ServerSink.Closed.WaitAsync(TestTimeouts.Default));
        await poisoned.ClientSink.Closed.WaitAsync(TestTimeouts.Default);
        await healthy.Client.SendAsync(Frames.Of("hello"), default).AsTask().WaitAsync(TestTimeouts.Default);
        await healthy.Server.SendAsync(Frames.Of("hi"), default).AsTask().WaitAsync(TestTimeouts.Default);
        Assert.Equal("hello", await healthy.ServerSink.NextTextAsync());
        Assert.Equal("hi", await healthy.ClientSink.NextTextAsync());
        Assert.False(healthy.ServerSink.Closed.IsCompleted);
    }

    [Fact]
    public async Task Abort_closes_both_ends_exactly_once_and_later_sends_fail()
    {
        var listener = await ListenAsync();
        var pair = await ConnectAsync(listener);
        var reason = new InvalidOperationException("local decision");

        pair.Client.Abort(reason);
        pair.Client.Abort(null);

        Assert.Same(reason, await pair.ClientSink.Closed.WaitAsync(TestTimeouts.Default));
        await pair.ServerSink.Closed.WaitAsync(TestTimeouts.Default);
        await Task.WhenAll(pair.Client.Completion, pair.Server.Completion).WaitAsync(TestTimeouts.Default);
        Assert.Equal(1, pair.ClientSink.CloseCount);
        Assert.Equal(1, pair.ServerSink.CloseCount);

        var ex = await Assert.ThrowsAsync<ConnectionClosedException>(() => pair.Client.SendAsync(Frames.Of("late"), default).AsTask());
        Assert.Same(reason, ex.InnerException);
        await Assert.ThrowsAsync<ConnectionClosedException>(() => pair.Server.SendAsync(Frames.Of("late"), default).AsTask());
    }

    [Fact]
    public async Task A_connection_aborted_before_Start_reports_its_close_on_Start()
    {
        var listener = await ListenAsync();
        var client = await CreateTransport().ConnectAsync(listener.Address, default).AsTask().WaitAsync(TestTimeouts.Default);
        var reason = new InvalidOperationException("never started");

        client.Abort(reason);
        await client.Completion.WaitAsync(TestTimeouts.Default);
        var sink = new RecordingSink();
        client.Start(sink);

        Assert.Same(reason, await sink.Closed.WaitAsync(TestTimeouts.Default));
        Assert.Equal(1, sink.CloseCount);
    }

    [Fact]
    public async Task Dispose_delivers_queued_frames_before_closing()
    {
        const int count = 200;
        var listener = await ListenAsync();
        var pair = await ConnectAsync(listener);

        for (int i = 0; i < count; i++) await pair.Client.SendAsync(Frames.Indexed(i, 16), default).AsTask().WaitAsync(TestTimeouts.Default);
        await pair.Client.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Default);

        for (int i = 0; i < count; i++) Assert.Equal(i, BitConverter.ToInt32(await pair.ServerSink.NextAsync()));
        Assert.Null(await pair.ServerSink.Closed.WaitAsync(TestTimeouts.Default));
        Assert.Null(await pair.ClientSink.Closed.WaitAsync(TestTimeouts.Default));
        await Assert.ThrowsAsync<ConnectionClosedException>(() => pair.Client.SendAsync(Frames.Of("late"), default).AsTask());
    }

    [Fact]
    public async Task Disposing_a_transport_closes_its_connections_and_its_listener()
    {
        var listener = await ListenAsync();
        var pair = await ConnectAsync(listener);

        await listener.Transport.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Default);

        Assert.IsType<ConnectionClosedException>(await pair.ServerSink.Closed.WaitAsync(TestTimeouts.Default));
        await pair.ClientSink.Closed.WaitAsync(TestTimeouts.Default);
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => CreateTransport().ConnectAsync(listener.Address, default).AsTask().WaitAsync(TestTimeouts.Default));
        Assert.Equal(listener.Address, ex.Address);
    }

    [Fact]
    public async Task A_full_send_queue_makes_senders_wait_until_the_receiver_catches_up()
    {
        const int frameSize = 32 * 1024, attempts = 4000;
        var receiverUnblocked = new ManualResetEventSlim();
        var listener = await ListenAsync(new TransportOptions { MaxFrameSize = 64 * 1024 });
        var pair = await ConnectAsync(
            listener,
            CreateTransport(new TransportOptions { SendQueueCapacity = 1 }),
            serverSink: new RecordingSink { BeforeFrame = _ => receiverUnblocked.Wait() });
        using var stopSending = new CancellationTokenSource();
        int sent = 0;

        // With the receiver stalled every buffer on the way fills up, so this can never finish; if a send
        // completed regardless, that frame would have to sit in an unbounded buffer somewhere.
        var sender = Task.Run(async () =>
        {
            for (int i = 0; i < attempts; i++)
            {
                await pair.Client.SendAsync(Frames.Indexed(i, frameSize), stopSending.Token);
                Volatile.Write(ref sent, i + 1);
            }
        });
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(sender.IsCompleted);

        stopSending.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender.WaitAsync(TestTimeouts.Default));
        int delivered = Volatile.Read(ref sent);
        Assert.True(delivered < attempts);

        receiverUnblocked.Set();
        await pair.Client.SendAsync(Frames.Of("after"), default).AsTask().WaitAsync(TestTimeouts.Default);
        for (int i = 0; i < delivered; i++) Assert.Equal(i, BitConverter.ToInt32(await pair.ServerSink.NextAsync()));
        Assert.Equal("after", await pair.ServerSink.NextTextAsync());
    }

    protected sealed record Listener(ITransport Transport, string Address, ChannelReader<IFrameConnection> Accepted);

    protected sealed record Pair(IFrameConnection Client, RecordingSink ClientSink, IFrameConnection Server, RecordingSink ServerSink);
}
