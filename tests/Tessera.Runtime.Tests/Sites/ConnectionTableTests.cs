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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_dial_that_fails_after_the_peers_own_connection_took_the_slot_leaves_the_peer_reachable(bool anotherSiteAnswers)
    {
        await using var harness = new SiteHarness();
        var connectMayFail = new TaskCompletionSource();
        // The dial fails to connect, or (a stale hint) reaches another site, which would read as the peer's restart.
        var hint = anotherSiteAnswers ? (await harness.StartSiteAsync()).Address : "mem:unreachable";
        // The peer's id is the smaller, so this site yields to the peer's connection while its own dial is out.
        var site = await harness.StartSiteAsync(id: new Guid("7fffffff-ffff-ffff-ffff-ffffffffffff"), wrapTransport: inner => new GatedTransport(inner, connectMayFail.Task, fail: !anotherSiteAnswers));
        var peer = SiteIdentity.NewIncarnation(new Guid("00000000-0000-0000-0000-000000000001"));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var waiting = site.Connections.GetAsync(peer, [hint], cancellation.Token).AsTask();

        var raw = new SilentConnection(onSend: () => { });
        var inbound = PeerConnection.ForAcceptor(raw, site.Connections);
        inbound.Start();
        ((IFrameSink)inbound).OnFrame(raw, new ReadOnlySequence<byte>(new HandshakeFrame(ProtocolVersion.Current, HandshakeKind.Hello, HandshakeRejection.None, peer).Encode()));
        Assert.Same(inbound, await waiting);

        connectMayFail.SetResult();
        await Poll.UntilAsync(() => site.Connections.Describe(peer).Contains("dialing=False", StringComparison.Ordinal));

        // The failed dial must neither make the reachable peer suspect nor hand its stale error to later callers.
        Assert.Equal(FaultState.Ok, site.Health.StateOf(peer));
        Assert.Same(inbound, await site.Connections.GetAsync(peer, [hint], cancellation.Token));
        Assert.Contains(inbound, site.Connections.Established());
    }

    [Fact]
    public async Task Callers_waiting_for_a_reserved_connection_that_closes_before_it_is_published_fail_at_once()
    {
        await using var harness = new SiteHarness();
        var site = await harness.StartSiteAsync();
        var peer = SiteIdentity.NewIncarnation(Guid.NewGuid());
        Task<PeerConnection>? waiting = null;
        PeerConnection? inbound = null;
        // The Accept is being sent: the connection holds the slot but is not published yet, and then it closes.
        var raw = new SilentConnection(onSend: () =>
        {
            waiting = site.Connections.GetAsync(peer, ["mem:unused"], CancellationToken.None).AsTask();
            ((IFrameSink)inbound!).OnClosed(null!, new ConnectionClosedException("reset by the test"));
        });
        inbound = PeerConnection.ForAcceptor(raw, site.Connections);
        inbound.Start();

        ((IFrameSink)inbound).OnFrame(raw, new ReadOnlySequence<byte>(new HandshakeFrame(ProtocolVersion.Current, HandshakeKind.Hello, HandshakeRejection.None, peer).Encode()));

        Assert.NotNull(waiting);
        var error = await Assert.ThrowsAsync<SiteUnreachableException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("closed before it was established", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(inbound, site.Connections.Established());
    }

    [Fact]
    public async Task A_reserved_connection_that_closes_while_this_sites_dial_is_out_leaves_the_waiters_to_that_dial()
    {
        await using var harness = new SiteHarness();
        var peer = await harness.StartSiteAsync(id: new Guid("00000000-0000-0000-0000-000000000001"));
        var dialMayConnect = new TaskCompletionSource();
        var site = await harness.StartSiteAsync(id: new Guid("7fffffff-ffff-ffff-ffff-ffffffffffff"), wrapTransport: inner => new GatedTransport(inner, dialMayConnect.Task, fail: false));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var waiting = site.Connections.GetAsync(peer.Identity, [peer.Address], cancellation.Token).AsTask();

        PeerConnection? inbound = null;
        var raw = new SilentConnection(onSend: () => ((IFrameSink)inbound!).OnClosed(null!, new ConnectionClosedException("reset by the test")));
        inbound = PeerConnection.ForAcceptor(raw, site.Connections);
        inbound.Start();
        ((IFrameSink)inbound).OnFrame(raw, new ReadOnlySequence<byte>(new HandshakeFrame(ProtocolVersion.Current, HandshakeKind.Hello, HandshakeRejection.None, peer.Identity).Encode()));
        Assert.False(waiting.IsCompleted, $"The waiters were settled while this site's own dial was still out: {waiting.Exception?.InnerException?.Message}");

        dialMayConnect.SetResult();

        var dialed = await waiting;
        Assert.NotSame(inbound, dialed);
        Assert.False(dialed.IsClosed);
        Assert.Contains(dialed, site.Connections.Established());
    }

    /// <summary>Dials wait until the test lets them go on, then fail or connect.</summary>
    private sealed class GatedTransport(ITransport inner, Task gate, bool fail) : ITransport
    {
        public string? LocalAddress => inner.LocalAddress;

        public ValueTask<string> ListenAsync(string address, Action<IFrameConnection> onAccepted, CancellationToken cancellationToken)
            => inner.ListenAsync(address, onAccepted, cancellationToken);

        public async ValueTask<IFrameConnection> ConnectAsync(string address, CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken);
            if (fail) throw new TransportConnectException(address, $"Nothing listens at {address}.");
            return await inner.ConnectAsync(address, cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
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
