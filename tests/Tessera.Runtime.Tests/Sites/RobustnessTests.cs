using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tessera.Runtime.Tests.Transport;
using Tessera.Runtime.Tests.Wire;
using Tessera.Sites;
using Tessera.Transport;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>Hostile or unlucky conditions that must end in a clear error, never a stuck or open door.</summary>
public sealed class RobustnessTests
{
    [Fact]
    public async Task Holding_a_ticket_does_not_let_a_site_call_the_object_without_taking_it()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var ticket = Ticket.Parse(new Greeter().Offer(home));

        var guessed = (Greeter)caller.References.Import(ticket.Site, ticket.EndpointHints, ticket.ObjectKey, Greeter.TesseraType, default);

        Assert.Throws<EntityNotFoundException>(() => guessed.Greet("intruder"));
        var taken = await Greeter.TakeAsync(caller, ticket.Render());
        Assert.NotSame(guessed, taken);
        Assert.Equal("hello guest", taken.Greet("guest"));
    }

    [Fact]
    public async Task A_hint_that_makes_the_transport_throw_is_skipped_and_never_wedges_the_peer()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync(wrapTransport: inner => new FaultyTransport(inner, "mem:absurd"));
        var ticket = Ticket.Parse(new Greeter().OfferUnlimited(home));
        var onlyBad = new Ticket(ImmutableArray.Create("mem:absurd"), ticket.Site, ticket.ObjectKey, ticket.Secret, ticket.TypeName, ticket.TypeFingerprint, ticket.Unlimited);
        var badThenGood = new Ticket(ImmutableArray.Create("mem:absurd", home.Address), ticket.Site, ticket.ObjectKey, ticket.Secret, ticket.TypeName, ticket.TypeFingerprint, ticket.Unlimited);

        var error = await Assert.ThrowsAsync<SiteUnreachableException>(() => Greeter.TakeAsync(caller, onlyBad.Render()).WaitAsync(TimeSpan.FromSeconds(20)));
        var greeter = await Greeter.TakeAsync(caller, badThenGood.Render()).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Contains("host name too long", error.Message);
        Assert.Equal("hello again", greeter.Greet("again"));
    }

    [Fact]
    public async Task Calls_whose_frames_arrive_split_across_buffers_succeed_and_fail_as_whole_ones_do()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync(wrapTransport: inner => new SplittingTransport(inner));
        var caller = await harness.StartSiteAsync(wrapTransport: inner => new SplittingTransport(inner));
        var greeter = await Greeter.TakeAsync(caller, new Greeter().Offer(home));
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));

        Assert.Equal("hello split", greeter.Greet("split"));
        Assert.Equal(3, await sequencer.Add(1, 2));
        Assert.Contains("broken", Assert.Throws<RemoteException>(() => greeter.Fail("broken")).Message);
        await Assert.ThrowsAsync<RemoteException>(async () => await sequencer.Divide(1, 0));
    }

    [Fact]
    public async Task A_result_too_large_to_send_fails_the_call_at_once_instead_of_at_its_deadline()
    {
        await using var harness = new SiteHarness();
        var small = new TransportOptions { MaxFrameSize = 1024 };
        var home = await harness.StartSiteAsync(transportOptions: small);
        var caller = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(30));
        var greeter = await Greeter.TakeAsync(caller, new Greeter().Offer(home));

        var error = await Assert.ThrowsAsync<RemoteException>(() => Task.Run(() => greeter.Repeat('x', 4096)).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(typeof(FrameTooLargeException).FullName, error.RemoteTypeName);
        Assert.Equal("hello short", greeter.Greet("short"));
    }

    [Fact]
    public async Task A_call_stopped_by_home_at_its_own_deadline_ends_as_a_timeout()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync(callTimeout: TimeSpan.FromMilliseconds(300));
        var caller = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(30));
        var greeter = await Greeter.TakeAsync(caller, new Greeter().Offer(home));

        var error = await Assert.ThrowsAsync<CallTimeoutException>(() => greeter.HangAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("stopped at home", error.Message);
    }

    [Fact]
    public async Task A_hint_where_another_site_answers_does_not_fail_a_site_that_answers_at_its_next_hint()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var elsewhere = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var ticket = Ticket.Parse(new Greeter().OfferUnlimited(home));
        var misdirected = new Ticket([elsewhere.Address, caller.Address, home.Address], ticket.Site, ticket.ObjectKey, ticket.Secret, ticket.TypeName, ticket.TypeFingerprint, ticket.Unlimited);

        var greeter = await Greeter.TakeAsync(caller, misdirected.Render()).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("hello there", greeter.Greet("there"));
        Assert.Equal(FaultState.Ok, caller.Health.StateOf(home.Identity));
    }

    [Theory]
    [MemberData(nameof(WireCodecTests.MessagesWithANullField), MemberType = typeof(WireCodecTests))]
    public async Task A_message_without_a_required_field_closes_its_connection_as_a_protocol_violation_and_the_site_serves_on(string type, string missing)
    {
        await using var harness = new SiteHarness();
        var log = new CapturedLog();
        var home = await harness.StartSiteAsync(configure: options => options with { LoggerFactory = log });
        var greeter = await Greeter.TakeAsync(await harness.StartSiteAsync(), new Greeter().OfferUnlimited(home));
        var peer = await RawPeer.ConnectAsync(harness.Network.CreateTransport(), home.Address);
        await peer.HandshakeAsync();

        await peer.Connection.SendAsync(WireCodec.Encode(WireCodecTests.WithANullField(type)), CancellationToken.None);

        await peer.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        // Home logs why after it closed, so the peer may hear of the close first.
        await Poll.UntilAsync(() => log.Lines.Any(line => line.Contains("is not a valid Tessera message: it is a " + type + ", but " + missing)));
        Assert.Equal("hello still", greeter.Greet("still"));
    }

    [Fact]
    public async Task A_connection_that_never_says_hello_is_closed_after_the_connect_timeout()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync(transportOptions: new TransportOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) });

        var silent = await RawPeer.ConnectAsync(harness.Network.CreateTransport(), home.Address);

        var reason = await silent.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(reason);
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_refused_and_the_site_keeps_serving_the_others()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync(transportOptions: new TransportOptions { MaxConnections = 2 });
        var ticket = new Greeter().OfferUnlimited(home);
        var caller = await harness.StartSiteAsync();
        var greeter = await Greeter.TakeAsync(caller, ticket);
        var idle = await RawPeer.ConnectAsync(harness.Network.CreateTransport(), home.Address);

        var refused = await RawPeer.ConnectAsync(harness.Network.CreateTransport(), home.Address);

        await refused.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(idle.Closed.IsCompleted);
        Assert.Equal("hello still", greeter.Greet("still"));
    }

    [Fact]
    public async Task A_stranger_that_announces_a_large_first_frame_is_closed_at_once_over_tcp()
    {
        // The Hello deadline is far off: only the limit on a frame before the handshake can close the socket in time.
        await using var home = await Site.StartAsync(new SiteOptions { TransportOptions = new TransportOptions { ConnectTimeout = TimeSpan.FromSeconds(60) } });
        var ticket = new Greeter().OfferUnlimited(home);
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await stranger.ConnectAsync(IPEndPoint.Parse(home.Address)).WaitAsync(TimeSpan.FromSeconds(10));

        // 1 MiB is well within the 16 MiB frame limit of a connection that finished its handshake.
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, 1024 * 1024);
        await stranger.SendAsync(prefix);

        var buffer = new byte[64];
        var closed = stranger.ReceiveAsync(buffer.AsMemory()).AsTask();
        try
        {
            Assert.Equal(0, await closed.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
        await using var caller = await Site.StartAsync();
        var greeter = await Greeter.TakeAsync(caller, ticket);
        Assert.Equal("hello still", greeter.Greet("still"));
    }

    [Fact]
    public async Task A_call_past_the_limit_of_one_connection_is_refused_at_home_and_sent_again_until_there_is_room()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync(configure: options => options with { MaxHomeCallsPerConnection = 2 });
        var original = new Greeter();
        var ticket = original.OfferUnlimited(home);
        var caller = await harness.StartSiteAsync();
        var greeter = await Greeter.TakeAsync(caller, ticket);
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        var hanging = new[] { greeter.HangAsync(first.Token), greeter.HangAsync(second.Token) };
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Call) == 2);

        var third = greeter.GreetAsync("third");
        // Refused and sent again while both places are taken: home sees it come back, and never runs it.
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Call) >= 4);
        Assert.False(third.IsCompleted);
        Assert.Equal(0, original.Greetings());
        var other = await Greeter.TakeAsync(await harness.StartSiteAsync(), ticket);
        Assert.Equal("hello other", other.Greet("other"));

        first.Cancel();
        Assert.Equal("hello third", await third.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, original.Greetings());
        second.Cancel();
        foreach (var call in hanging) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_call_refused_for_load_until_its_deadline_fails_saying_it_did_not_run()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync(configure: options => options with { MaxHomeCallsPerConnection = 1 });
        var caller = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(2));
        var original = new Greeter();
        var greeter = await Greeter.TakeAsync(caller, original.OfferUnlimited(home));
        // Holds home's one place past every deadline of this test's calls: cancelling it at its deadline changes nothing.
        var busy = greeter.OccupyAsync(4_000);
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Call) == 1);

        var trying = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<SiteOverloadedException>(() => greeter.GreetAsync("late").WaitAsync(TimeSpan.FromSeconds(10)));

        // Sent again and again for most of its 2 s deadline, not given up at the first refusal.
        Assert.True(trying.Elapsed > TimeSpan.FromSeconds(1.5), $"Gave up after {trying.Elapsed.TotalMilliseconds:0} ms.");
        Assert.True(home.Counters.Received(MessageKind.Call) > 3);
        Assert.Contains("did not run", refused.Message);
        Assert.Equal(0, original.Greetings());
        await Assert.ThrowsAsync<CallTimeoutException>(() => busy.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_refused_call_is_not_sent_again_once_its_reference_is_broken()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync(configure: options => options with { MaxHomeCallsPerConnection = 1 });
        var caller = await harness.StartSiteAsync();
        var original = new Greeter();
        var greeter = await Greeter.TakeAsync(caller, original.OfferUnlimited(home));
        var busy = greeter.OccupyAsync(2_000);
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Call) == 1);
        var late = greeter.GreetAsync("late");
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Call) >= 3);

        // Broken while the refused call waits to be sent again: the resend passes the fault gate first.
        Faults.Break(greeter);

        await Assert.ThrowsAsync<EntityFaultException>(() => late.WaitAsync(TimeSpan.FromSeconds(10)));
        await busy.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, original.Greetings());
    }

    [Fact]
    public async Task A_call_request_whose_timeout_would_overflow_still_gets_its_answer()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var taken = await Greeter.TakeAsync(await harness.StartSiteAsync(), new Greeter().OfferUnlimited(home));
        var objectKey = ReferenceTable.HandleOf(taken)!.ObjectKey;
        var peer = await RawPeer.ConnectAsync(harness.Network.CreateTransport(), home.Address);
        await peer.HandshakeAsync();

        // No Tessera caller sends this; a broken or hostile peer may. Home used to drop the call without a word.
        await peer.Connection.SendAsync(CallFrames.EncodeCallRequest(7, objectKey, 0xdeadbeef, long.MaxValue, ReadOnlySpan<byte>.Empty, null), CancellationToken.None);

        var fault = await peer.ReceiveAsync<CallFault>();
        Assert.Equal(7, fault.CallId);
        Assert.Equal(CallFaultCode.UnknownMethod, fault.Code);
    }

    [Fact]
    public void Call_timeouts_longer_than_a_timer_can_run_are_refused_when_the_site_starts()
    {
        // Accepted before, they made every stationary call throw ArgumentOutOfRangeException from its deadline timer.
        var tooLong = SiteOptions.MaxCallTimeout + TimeSpan.FromMilliseconds(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SiteOptions { DefaultCallTimeout = tooLong }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SiteOptions { TakeTimeout = tooLong }.Validate());
        new SiteOptions { DefaultCallTimeout = SiteOptions.MaxCallTimeout, TakeTimeout = SiteOptions.MaxCallTimeout }.Validate();
    }

    [Fact]
    public async Task An_exception_too_large_for_a_frame_still_reaches_its_caller_by_type()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync(transportOptions: new TransportOptions { MaxFrameSize = 1024 });
        var caller = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(30));
        var greeter = await Greeter.TakeAsync(caller, new Greeter().Offer(home));
        var waited = Stopwatch.StartNew();

        // The fault used to be dropped, and the caller waited for its deadline.
        var error = Assert.Throws<RemoteException>(() => greeter.FailAtLength(4096));

        Assert.Equal(typeof(InvalidOperationException).FullName, error.RemoteTypeName);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"The call ended after {waited.Elapsed.TotalSeconds:0.0} s.");
    }
}
