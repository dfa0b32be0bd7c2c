using Tessera.Infrastructure;
using Tessera.Protocols.Migratory;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>The migratory protocol when sites die or go quiet: what is lost, what is not, and how soon callers know.</summary>
public sealed class MigratoryFaultTests
{
    [Fact]
    public async Task Killing_the_holder_makes_the_object_PermFail_everywhere_and_fails_every_waiting_call_within_its_deadline()
    {
        await using var harness = new SiteHarness();
        var (home, counter, others) = await MigratorySites.ShareAsync(harness, 2, callTimeout: TimeSpan.FromSeconds(20));
        var (holder, waiter) = (others[0], others[1]);
        var gate = Gates.New();
        holder.Increment();
        var held = holder.HoldAsync(gate);
        var waiting = Enumerable.Range(0, 10).Select(_ => waiter.IncrementAsync())
            .Concat(Enumerable.Range(0, 10).Select(_ => counter.IncrementAsync()))
            .ToList();
        // The home's own request is made inside its calls; the waiter's travels, so wait until it has arrived.
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 2);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.True(harness.Network.KillTransport(harness.Sites[1].Address));

        foreach (var call in waiting)
        {
            var error = await Assert.ThrowsAsync<EntityFaultException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(FaultState.PermFail, error.State);
            Assert.Contains("failed before handing it on", Assert.IsType<CachedStateLostException>(error.InnerException).Reason);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"The waiting calls failed after {clock.Elapsed}, past their deadline.");
        Assert.Equal(FaultState.PermFail, Faults.StateOf(counter));
        Assert.Equal(FaultState.PermFail, Faults.StateOf(waiter));
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => counter.Increment()).State);
        Gates.Release(gate);
        await held.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_site_that_left_after_handing_the_state_on_loses_nothing()
    {
        await using var harness = new SiteHarness();
        var (home, counter, others) = await MigratorySites.ShareAsync(harness, 2);
        others[0].Increment();
        others[1].Increment();

        await harness.Sites[1].StopAsync();
        await Poll.UntilAsync(() => home.ConnectionCount == 1);

        Assert.Equal(3, counter.Increment());
        Assert.Equal(4, others[1].Increment());
    }

    [Fact]
    public async Task A_dead_site_the_state_got_past_loses_nothing_while_the_state_is_in_flight_from_a_site_that_handed_it_on()
    {
        await using var harness = new SiteHarness();
        var home = await MigratorySites.StartAsync(harness);
        var counter = Counter.Create();
        var ticket = counter.OfferUnlimited(home);
        var siteA = await MigratorySites.StartAsync(harness);
        TokenHoldingTransport? holding = null;
        var siteB = await MigratorySites.StartAsync(harness, wrapTransport: t => holding = new TokenHoldingTransport(t));
        var (a, b) = (await Counter.TakeAsync(siteA, ticket), await Counter.TakeAsync(siteB, ticket));
        var c = await Counter.TakeAsync(await MigratorySites.StartAsync(harness), ticket);
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        a.Increment();
        b.Increment();
        holding!.Close();
        var atC = c.IncrementAsync();
        await Poll.UntilAsync(() => holding.Held == 1);
        Assert.Equal(0, siteB.Migratory.ActiveCount);
        Assert.Equal(4, manager.ChainLength);

        // Only B, which handed the state on and holds nothing now, can prove it got past A.
        Assert.True(harness.Network.KillTransport(siteA.Address));
        await Poll.UntilAsync(() => manager.ChainLength < 4);

        Assert.Equal(3, manager.ChainLength);
        holding.Open();
        Assert.Equal(3, await atC.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(4, counter.Increment());
    }

    [Fact]
    public async Task A_site_that_handed_the_state_on_asked_again_and_died_with_the_state_in_flight_loses_it_for_everyone()
    {
        await using var harness = new SiteHarness();
        var callTimeout = TimeSpan.FromSeconds(20);
        var home = await MigratorySites.StartAsync(harness, callTimeout);
        var counter = Counter.Create();
        var ticket = counter.OfferUnlimited(home);
        TokenHoldingTransport? holding = null;
        var siteB = await MigratorySites.StartAsync(harness, callTimeout, t => holding = new TokenHoldingTransport(t));
        var b = await Counter.TakeAsync(siteB, ticket);
        var c = await Counter.TakeAsync(await MigratorySites.StartAsync(harness, callTimeout), ticket);
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        b.Increment();
        holding!.Close();
        var atC = c.IncrementAsync();
        await Poll.UntilAsync(() => holding.Held == 1);
        // B has handed the state to C (it waits in B's transport) and asks again, which tells the manager it had it.
        var atB = b.IncrementAsync();
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 3 && manager.ChainLength == 2);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.True(harness.Network.KillTransport(siteB.Address));

        var error = await Assert.ThrowsAsync<EntityFaultException>(() => atC.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(FaultState.PermFail, error.State);
        Assert.Contains("failed before handing it on", Assert.IsType<CachedStateLostException>(error.InnerException).Reason);
        Assert.True(clock.Elapsed < callTimeout, $"C's call failed after {clock.Elapsed}: it waited out its deadline for a state that died with B.");
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => counter.Increment()).State);
        _ = atB.ContinueWith(static call => call.Exception, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_holder_cut_off_from_the_home_when_the_site_that_handed_it_the_state_dies_loses_nothing()
    {
        await using var harness = new SiteHarness();
        // The home asks how far the state got within its own call deadline, which the holder's silence outlasts.
        var home = await MigratorySites.StartAsync(harness, callTimeout: TimeSpan.FromSeconds(2));
        var counter = Counter.Create();
        var ticket = counter.OfferUnlimited(home);
        var siteB = await MigratorySites.StartAsync(harness, TimeSpan.FromSeconds(30));
        SilenceableTransport? quiet = null;
        var siteC = await MigratorySites.StartAsync(harness, TimeSpan.FromSeconds(30), t => quiet = new SilenceableTransport(t));
        var siteD = await MigratorySites.StartAsync(harness, TimeSpan.FromSeconds(30));
        var (b, c, d) = (await Counter.TakeAsync(siteB, ticket), await Counter.TakeAsync(siteC, ticket), await Counter.TakeAsync(siteD, ticket));
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        Assert.Equal(1, b.Increment());
        var gate = Gates.New();
        var holding = c.HoldAsync(gate);
        await Gates.EnteredAsync(gate).WaitAsync(TimeSpan.FromSeconds(10));
        var atD = d.IncrementAsync();
        // B asks again after C and D: the manager learns B had the state, and B's next turn follows D's.
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 3);
        var atB = b.IncrementAsync();
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 4 && siteD.Counters.Received(MessageKind.Forward) == 1);

        quiet!.Silence();
        Assert.True(harness.Network.KillTransport(siteB.Address));
        // The repair skips B's new request and asks C, the holder, how far the state got; C cannot answer.
        await Poll.UntilAsync(() => home.Counters.Sent(MessageKind.StateQuery) >= 1 && !manager.Repairing, TimeSpan.FromSeconds(20));
        quiet.Hear();
        Gates.Release(gate);

        await holding.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, await atD.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(3, counter.Increment());
        _ = atB.ContinueWith(static call => call.Exception, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_requester_that_died_after_the_state_got_past_it_to_a_holder_cut_off_from_the_home_loses_nothing()
    {
        await using var harness = new SiteHarness();
        var (home, counter, manager, siteD, d, e, quiet, _) = await StartWithQuietSiteAsync(harness);
        Assert.Equal(1, d.Increment());
        var gate = Gates.New();
        var holding = e.HoldAsync(gate);
        await Gates.EnteredAsync(gate).WaitAsync(TimeSpan.FromSeconds(10));

        // E holds the state, got from D; the manager has not heard of it, since E has not asked again.
        quiet.Silence();
        Assert.True(harness.Network.KillTransport(siteD.Address));
        await Poll.UntilAsync(() => home.Counters.Sent(MessageKind.StateQuery) >= 1 && !manager.Repairing, TimeSpan.FromSeconds(20));
        quiet.Hear();
        Gates.Release(gate);

        await holding.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, counter.Increment());
        Assert.Equal(3, await e.IncrementAsync().WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_holder_that_died_while_its_successor_was_cut_off_from_the_home_makes_the_state_lost_once_that_site_answers()
    {
        await using var harness = new SiteHarness();
        var (home, counter, manager, siteD, d, e, quiet, _) = await StartWithQuietSiteAsync(harness);
        var gate = Gates.New();
        var holding = d.HoldAsync(gate);
        await Gates.EnteredAsync(gate).WaitAsync(TimeSpan.FromSeconds(10));
        var atE = e.IncrementAsync();
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 2 && siteD.Counters.Received(MessageKind.Forward) == 1);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // D dies with the state; E, which waits for it, cannot tell the home so while it is silent.
        quiet.Silence();
        Assert.True(harness.Network.KillTransport(siteD.Address));
        await Poll.UntilAsync(() => home.Counters.Sent(MessageKind.StateQuery) >= 1 && !manager.Repairing, TimeSpan.FromSeconds(20));
        Assert.False(atE.IsCompleted);
        quiet.Hear();

        var error = await Assert.ThrowsAsync<EntityFaultException>(() => atE.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(FaultState.PermFail, error.State);
        Assert.Contains("failed before handing it on", Assert.IsType<CachedStateLostException>(error.InnerException).Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"E's call failed after {clock.Elapsed}: it waited out its deadline for a state that died with D.");
        Gates.Release(gate);
        _ = holding.ContinueWith(static call => call.Exception, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_requester_that_died_while_the_holder_that_was_to_hand_it_the_state_was_cut_off_loses_nothing()
    {
        await using var harness = new SiteHarness();
        var (home, counter, manager, siteD, d, e, quiet, siteE) = await StartWithQuietSiteAsync(harness);
        var gate = Gates.New();
        var holding = e.HoldAsync(gate);
        await Gates.EnteredAsync(gate).WaitAsync(TimeSpan.FromSeconds(10));
        var atD = d.IncrementAsync();
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 2 && siteE.Counters.Received(MessageKind.Forward) == 1);

        // E holds the state and is to hand it to D. D dies while E is silent: E cannot answer the home's reroute.
        quiet.Silence();
        Assert.True(harness.Network.KillTransport(siteD.Address));
        await Poll.UntilAsync(() => home.Counters.Sent(MessageKind.StateReroute) >= 1 && !manager.Repairing, TimeSpan.FromSeconds(20));
        quiet.Hear();
        Gates.Release(gate);

        await holding.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, await e.IncrementAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(2, counter.Increment());
        _ = atD.ContinueWith(static call => call.Exception, TaskScheduler.Default);
    }

    /// <summary>
    /// A home whose questions about the state give up after 2 s, a site D, and a site E whose frames can be held
    /// back for longer than that: E silent outlasts the home's question.
    /// </summary>
    private static async Task<QuietSites> StartWithQuietSiteAsync(SiteHarness harness)
    {
        var home = await MigratorySites.StartAsync(harness, callTimeout: TimeSpan.FromSeconds(2));
        var counter = Counter.Create();
        var ticket = counter.OfferUnlimited(home);
        var siteD = await MigratorySites.StartAsync(harness, TimeSpan.FromSeconds(30));
        SilenceableTransport? quiet = null;
        var siteE = await MigratorySites.StartAsync(harness, TimeSpan.FromSeconds(30), t => quiet = new SilenceableTransport(t));
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        return new QuietSites(home, counter, manager, siteD, await Counter.TakeAsync(siteD, ticket), await Counter.TakeAsync(siteE, ticket), quiet!, siteE);
    }

    private sealed record QuietSites(Site Home, Counter Counter, MigratoryManager Manager, Site SiteD, Counter D, Counter E, SilenceableTransport Quiet, Site SiteE);

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(-2L)]
    public async Task A_request_claiming_a_hop_this_home_never_gave_is_refused_and_the_chain_kept(long lastHop)
    {
        await using var harness = new SiteHarness();
        var (home, counter, others) = await MigratorySites.ShareAsync(harness, 2, callTimeout: TimeSpan.FromSeconds(15));
        var (a, b) = (others[0], others[1]);
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        Assert.Equal(1, a.Increment());
        var gate = Gates.New();
        var held = a.HoldAsync(gate);
        await Gates.EnteredAsync(gate).WaitAsync(TimeSpan.FromSeconds(10));
        var atB = b.IncrementAsync();
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 2 && harness.Sites[1].Counters.Received(MessageKind.Forward) == 1);
        Assert.Equal(3, manager.ChainLength);
        var peer = await RawPeer.ConnectAsync(harness.Network.CreateTransport(), home.Address);
        await peer.HandshakeAsync();

        var forged = new StateRequest { ObjectKey = Tessera.Sites.ReferenceTable.HandleOf(b)!.ObjectKey, LastHop = lastHop };
        await peer.Connection.SendAsync(WireCodec.Encode(forged), CancellationToken.None);

        await peer.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, manager.ChainLength);
        Gates.Release(gate);
        await held.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, await atB.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
