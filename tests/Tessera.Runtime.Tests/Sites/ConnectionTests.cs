using System.Buffers;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

public sealed class ConnectionTests
{
    [Fact]
    public async Task When_two_sites_dial_each_other_at_once_one_connection_remains()
    {
        for (var round = 0; round < 40; round++)
        {
            await using var harness = new SiteHarness();
            var a = await harness.StartSiteAsync();
            var b = await harness.StartSiteAsync();
            var ticketForA = new Greeter().Offer(a);
            var ticketForB = new Greeter().Offer(b);

            var taken = await Task.WhenAll(
                Task.Run(() => Greeter.TakeAsync(a, ticketForB)),
                Task.Run(() => Greeter.TakeAsync(b, ticketForA)));

            Assert.Equal("hello a", taken[0].Greet("a"));
            Assert.Equal("hello b", taken[1].Greet("b"));
            await WaitUntilAsync(() => a.ConnectionCount == 1 && b.ConnectionCount == 1, $"round {round}: a has {a.ConnectionCount}, b has {b.ConnectionCount}");
        }
    }

    [Fact]
    public async Task Simultaneous_dials_with_delayed_delivery_still_leave_exactly_one_connection()
    {
        for (var seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            await using var harness = new SiteHarness();
            harness.Network.DeliveryDelay = () =>
            {
                int delay;
                lock (random) delay = random.Next(0, 8);
                return delay == 0 ? ValueTask.CompletedTask : new ValueTask(Task.Delay(delay));
            };
            var a = await harness.StartSiteAsync();
            var b = await harness.StartSiteAsync();
            var ticketForA = new Greeter().Offer(a);
            var ticketForB = new Greeter().Offer(b);

            var taken = await Task.WhenAll(
                Task.Run(() => Greeter.TakeAsync(a, ticketForB)),
                Task.Run(() => Greeter.TakeAsync(b, ticketForA))).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal("hello a", await Task.Run(() => taken[0].Greet("a")));
            Assert.Equal("hello b", await Task.Run(() => taken[1].Greet("b")));
            await WaitUntilAsync(() => a.ConnectionCount == 1 && b.ConnectionCount == 1, $"seed {seed}: a has {a.ConnectionCount}, b has {b.ConnectionCount}");
        }
    }

    [Fact]
    public async Task Garbage_closes_only_that_connection_and_the_site_keeps_serving()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var ticket = new Greeter().OfferUnlimited(home);
        var garbage = await RawPeer.ConnectAsync(harness.Network.CreateTransport(), home.Address);

        await garbage.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());

        var reason = await garbage.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        var caller = await harness.StartSiteAsync();
        var greeter = await Greeter.TakeAsync(caller, ticket);
        Assert.Equal("hello still", greeter.Greet("still"));
        Assert.Null(reason);
    }

    [Fact]
    public async Task Garbage_after_a_good_handshake_closes_only_that_connection()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var greeter = await Greeter.TakeAsync(caller, new Greeter().Offer(home));
        var intruder = await AcceptedPeerAsync(harness, home);

        await intruder.SendAsync(new byte[] { 0xFF, 0xFE, 0xFD, 0x00, 0x01 });

        await intruder.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("hello fine", greeter.Greet("fine"));
    }

    public static TheoryData<string, byte[]> MalformedCallFrames => new()
    {
        // A CallRequest's tag and member count, then half its call id.
        { "a call request cut short", [0, 6, 1, 2, 3, 4] },
        // A CallReply for call 1 whose result claims 2 GB.
        { "a call reply with a forged length", [1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 9] },
        // A whole CallReply with an empty result, then one byte too many.
        { "a call reply with trailing bytes", [1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7] },
        // An AsyncCall's tag and member count, then one byte.
        { "an async call cut short", [20, 6, 1] },
        // An AsyncReply for call 1 whose result claims 2 GB.
        { "an async reply with a forged length", [21, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 9] },
    };

    [Theory]
    [MemberData(nameof(MalformedCallFrames))]
    public async Task A_malformed_call_frame_after_a_good_handshake_closes_only_that_connection(string what, byte[] frame)
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var greeter = await Greeter.TakeAsync(caller, new Greeter().Offer(home));
        var intruder = await AcceptedPeerAsync(harness, home);

        await intruder.SendAsync(frame);

        await intruder.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("hello " + what, greeter.Greet(what));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(-24)]
    public async Task A_peer_with_another_protocol_version_is_refused_with_the_reason(int longerBy)
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var peer = await RawPeer.ConnectAsync(harness.Network.CreateTransport(), home.Address);
        var hello = new HandshakeFrame(ProtocolVersion.Current + 1, HandshakeKind.Hello, HandshakeRejection.None, SiteIdentity.NewIncarnation(Guid.NewGuid())).Encode();

        // Another version may have a longer or shorter handshake; its version still comes where this one's does.
        var sent = new byte[hello.Length + longerBy];
        hello.AsSpan(0, Math.Min(hello.Length, sent.Length)).CopyTo(sent);
        await peer.SendAsync(sent);

        var answer = HandshakeFrame.Decode(new ReadOnlySequence<byte>(await peer.ReceiveAsync()));
        Assert.Equal(HandshakeKind.Reject, answer.Kind);
        Assert.Equal(HandshakeRejection.VersionMismatch, answer.Rejection);
        Assert.Equal(ProtocolVersion.Current, answer.Version);
        await peer.Closed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_restarted_site_at_the_same_address_is_not_mistaken_for_the_old_one()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var ticket = new Greeter().Offer(home);
        var address = home.Address;
        await home.StopAsync();
        var impostor = RawPeer.ConnectAsync(harness.Network.CreateTransport(), address);
        await Assert.ThrowsAsync<TransportConnectException>(() => impostor);
        var caller = await harness.StartSiteAsync();

        await Assert.ThrowsAsync<SiteUnreachableException>(() => Greeter.TakeAsync(caller, ticket));
    }

    /// <summary>A hand-driven peer that said Hello as a fresh site and was accepted.</summary>
    private static async Task<RawPeer> AcceptedPeerAsync(SiteHarness harness, Site home)
    {
        var peer = await RawPeer.ConnectAsync(harness.Network.CreateTransport(), home.Address);
        await peer.SendAsync(new HandshakeFrame(ProtocolVersion.Current, HandshakeKind.Hello, HandshakeRejection.None, SiteIdentity.NewIncarnation(Guid.NewGuid())).Encode());
        Assert.Equal(HandshakeKind.Accept, HandshakeFrame.Decode(new ReadOnlySequence<byte>(await peer.ReceiveAsync())).Kind);
        return peer;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string because)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (cancellation.IsCancellationRequested) Assert.Fail(because);
            await Task.Delay(5);
        }
    }
}
