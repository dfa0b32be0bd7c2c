using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

public sealed class StationaryProtocolTests
{
    [Fact]
    public async Task A_call_is_one_request_and_one_reply_on_both_sides()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var greeter = await Greeter.TakeAsync(caller, new Greeter().Offer(home));
        greeter.Greet("warm-up");
        var (homeSent, homeReceived, callerSent, callerReceived) = (home.Counters.TotalSent, home.Counters.TotalReceived, caller.Counters.TotalSent, caller.Counters.TotalReceived);

        Assert.Equal("hello ada", greeter.Greet("ada"));

        Assert.Equal(1, caller.Counters.TotalSent - callerSent);
        Assert.Equal(1, caller.Counters.TotalReceived - callerReceived);
        Assert.Equal(1, home.Counters.TotalSent - homeSent);
        Assert.Equal(1, home.Counters.TotalReceived - homeReceived);
        Assert.Equal(home.Counters.Received(MessageKind.Call), caller.Counters.Sent(MessageKind.Call));
    }

    [Fact]
    public async Task Taking_a_ticket_costs_one_request_and_one_reply()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();

        await Greeter.TakeAsync(caller, new Greeter().Offer(home));

        Assert.Equal(1, caller.Counters.Sent(MessageKind.Take));
        Assert.Equal(1, caller.Counters.Received(MessageKind.TakeReply));
        Assert.Equal(2, caller.Counters.TotalSent + caller.Counters.TotalReceived);
    }

    [Fact]
    public async Task Taking_a_ticket_at_its_own_site_gives_the_original_without_messages()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var greeter = new Greeter();

        var taken = await Greeter.TakeAsync(home, greeter.Offer(home));

        Assert.Same(greeter, taken);
        Assert.Equal(0, home.Counters.TotalSent);
    }

    [Fact]
    public async Task A_one_shot_ticket_cannot_be_taken_twice_but_an_unlimited_one_can()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var first = await harness.StartSiteAsync();
        var second = await harness.StartSiteAsync();
        var greeter = new Greeter();
        var oneShot = greeter.Offer(home);
        var unlimited = greeter.OfferUnlimited(home);

        await Greeter.TakeAsync(first, oneShot);
        await Assert.ThrowsAsync<TicketNotFoundException>(() => Greeter.TakeAsync(second, oneShot));
        await Greeter.TakeAsync(first, unlimited);
        await Greeter.TakeAsync(second, unlimited);
        Assert.True(home.Retract(unlimited));
        var third = await harness.StartSiteAsync();
        await Assert.ThrowsAsync<TicketNotFoundException>(() => Greeter.TakeAsync(third, unlimited));
    }

    [Fact]
    public async Task A_remote_exception_carries_type_message_and_stack()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var greeter = await Greeter.TakeAsync(caller, new Greeter().Offer(home));

        var error = Assert.Throws<RemoteException>(() => greeter.Fail("on purpose"));

        Assert.Equal("System.InvalidOperationException", error.RemoteTypeName);
        Assert.Equal("on purpose", error.RemoteMessage);
        Assert.Contains(nameof(Greeter.Fail), error.RemoteStackTrace);
        Assert.Equal(home.Identity, error.Home);
    }

    [Fact]
    public async Task A_call_that_never_returns_ends_at_its_deadline_and_home_is_told_to_stop()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(30));
        // Every call of this caller has this deadline, the Greet calls too: short enough to wait out, long enough
        // that a machine loaded by other test runs does not time out the calls that are meant to succeed.
        var deadline = TimeSpan.FromSeconds(3);
        var caller = await harness.StartSiteAsync(callTimeout: deadline);
        var greeter = await Greeter.TakeAsync(caller, new Greeter().Offer(home));
        Assert.Equal("hello first", greeter.Greet("first"));

        var error = await Assert.ThrowsAsync<CallTimeoutException>(() => greeter.HangAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.True(error.MayHaveRun);

        Assert.Equal(deadline, error.Deadline);
        await WaitUntilAsync(() => home.Counters.Received(MessageKind.Cancel) == 1);
        Assert.Equal("hello again", greeter.Greet("again"));
    }

    [Fact]
    public async Task Cancelling_a_call_throws_operation_cancelled_promptly()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var greeter = await Greeter.TakeAsync(caller, new Greeter().Offer(home));
        using var cancellation = new CancellationTokenSource();

        var call = greeter.HangAsync(cancellation.Token);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Cancelling_a_call_cancels_the_token_of_the_method_at_home()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var original = new Greeter();
        var greeter = await Greeter.TakeAsync(caller, original.Offer(home));
        using var cancellation = new CancellationTokenSource();

        var call = greeter.HangAsync(cancellation.Token);
        await WaitUntilAsync(() => home.Counters.Received(MessageKind.Call) == 1);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitUntilAsync(() => original.HangsStopped() == 1);
    }

    [Fact]
    public async Task References_travel_as_references_and_resolve_home_to_the_original()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var remote = await Greeter.TakeAsync(caller, new Greeter().Offer(home));
        var local = new Greeter();

        Assert.Equal("hello bob via hello me", remote.Introduce(local, "bob"));

        Assert.Equal(1, local.Greetings());
        Assert.Equal(1, remote.Greetings());
        Assert.Equal(1, caller.ConnectionCount);
    }

    [Fact]
    public async Task Killing_the_home_fails_pending_calls_at_once()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(30));
        var greeter = await Greeter.TakeAsync(caller, new Greeter().Offer(home));
        var pending = greeter.HangAsync(CancellationToken.None);
        await WaitUntilAsync(() => home.Counters.Received(MessageKind.Call) == 1);

        Assert.True(harness.Network.KillTransport(home.Address));

        await Assert.ThrowsAsync<ConnectionClosedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_stopped_site_refuses_new_offers()
    {
        await using var harness = new SiteHarness();
        var site = await harness.StartSiteAsync();
        await site.StopAsync();

        Assert.Throws<ObjectDisposedException>(() => new Greeter().Offer(site));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition()) await Task.Delay(5, cancellation.Token);
    }
}
