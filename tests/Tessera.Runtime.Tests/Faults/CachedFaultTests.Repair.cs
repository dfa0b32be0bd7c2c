using Tessera.Infrastructure;
using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.FaultHandling;

/// <summary>
/// A repair that ends undecided leaves the dead site in the chain, as its tail if nobody followed it. A request that comes
/// before the manager asks again must still get the state, wherever the lost answer left it. (Placed behind the dead site,
/// its FORWARD went nowhere and the recheck, finding somebody behind it, never looked at home: the state sent there was
/// declared lost, or home's own entry stayed in the chain and swallowed its next request.)
/// </summary>
public sealed partial class CachedFaultTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_state_sent_home_whose_answer_was_lost_reaches_a_request_placed_before_the_manager_asked_again(bool homeAsks)
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness, Unhurried);
        var cutters = new List<ConnectionCutter>();
        SilenceableTransport? quiet = null;
        var siteA = await StartAsync(harness, faults: Unhurried, wrap: t => Cutter(cutters, quiet = new SilenceableTransport(t)));
        var (siteB, _, _, _) = await StrandedAtAAsync(harness, home, counter, ticket, siteA, release: true);
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        var c = await Counter.TakeAsync(await StartAsync(harness, faults: Unhurried), ticket);
        // A says no to keeping the state, then yes to sending it home: that second answer is lost with its connection.
        cutters[0].CutNext(MessageKind.StateRerouteReply, letPass: 1);
        // A answers nothing until the request is in, so the request comes during the repair, which ends undecided with
        // the dead B as the chain's tail.
        quiet!.Silence();

        home.Health.Fail(siteB.Identity, "the test's verdict");
        await Poll.UntilAsync(() => manager.Repairing, Patient);
        var requestsBefore = home.Counters.Received(MessageKind.Get);
        // Home's call asks its manager before it returns; C's request is in once home has counted it.
        var asked = homeAsks ? counter.IncrementAsync() : Task.Run(c.Increment);
        if (!homeAsks) await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == requestsBefore + 1, Patient);
        quiet.Hear();
        await Poll.UntilAsync(() => cutters[0].Cuts == 1, Patient);

        // The state went home in B's place, and goes on from there to whoever asked meanwhile, then to the others.
        Func<int> asker = homeAsks ? counter.Increment : c.Increment, other = homeAsks ? c.Increment : counter.Increment;
        Assert.Equal(1, await asked.WaitAsync(Patient + Patient));
        Assert.Equal(2, await Task.Run(other).WaitAsync(Patient));
        Assert.Equal(3, await Task.Run(asker).WaitAsync(Patient));
        Assert.All(new[] { counter, c }, x => Assert.Equal(FaultState.Ok, Faults.StateOf(x)));
    }

    [Fact]
    public async Task A_state_sent_home_with_a_lost_answer_is_not_declared_lost_when_the_site_that_sent_it_dies_before_the_manager_asks_again()
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness, Unhurried);
        var cutters = new List<ConnectionCutter>();
        var siteA = await StartAsync(harness, faults: Unhurried, wrap: t => Cutter(cutters, t));
        await SentHomeWithTheAnswerLostAsync(harness, home, counter, ticket, siteA, cutters);

        Assert.True(harness.Network.KillTransport(siteA.Address));
        home.Health.Fail(siteA.Identity, "the test's verdict");

        // The only copy is home's, at B's hop: it used to be declared lost once A could not be asked.
        var c = await Counter.TakeAsync(await StartAsync(harness, faults: Unhurried), ticket);
        Assert.Equal(1, await Task.Run(c.Increment).WaitAsync(Patient + Patient));
        Assert.Equal(2, await Task.Run(counter.Increment).WaitAsync(Patient));
    }

    [Fact]
    public async Task A_state_sent_home_with_a_lost_answer_reaches_a_new_requester_while_the_site_that_sent_it_is_silent()
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness, Unhurried);
        var cutters = new List<ConnectionCutter>();
        SilenceableTransport? quiet = null;
        var siteA = await StartAsync(harness, faults: Unhurried, wrap: t => Cutter(cutters, quiet = new SilenceableTransport(t)));
        await SentHomeWithTheAnswerLostAsync(harness, home, counter, ticket, siteA, cutters, () => quiet!.Silence());

        Assert.Equal(1, await Task.Run(counter.Increment).WaitAsync(Patient));
        // Held behind the undecided B until A answered, which it never did, although home had the state.
        var c = await Counter.TakeAsync(await StartAsync(harness, faults: Unhurried), ticket);
        try
        {
            Assert.Equal(2, await Task.Run(c.Increment).WaitAsync(Patient + Patient));
        }
        finally
        {
            quiet!.Hear();
        }
    }

    /// <summary>
    /// A handed the state to B and released its reference; B died before the state left A. A said no to keeping the state,
    /// then sent it home, and that answer was lost: the repair ended undecided, with the state home at B's hop.
    /// <paramref name="afterCut"/> runs as soon as the answer is cut.
    /// </summary>
    private static async Task SentHomeWithTheAnswerLostAsync(
        SiteHarness harness, Site home, Counter counter, string ticket, Site siteA, List<ConnectionCutter> cutters, Action? afterCut = null)
    {
        var (siteB, _, _, hopAtA) = await StrandedAtAAsync(harness, home, counter, ticket, siteA, release: true);
        var atHome = ((ICachedObject)counter).TesseraState;
        cutters[0].CutNext(MessageKind.StateRerouteReply, letPass: 1);

        home.Health.Fail(siteB.Identity, "the test's verdict");
        await Poll.UntilAsync(() => cutters[0].Cuts == 1, Patient);
        afterCut?.Invoke();
        await Poll.UntilAsync(() => !atHome.Manager!.Repairing, Patient + Patient);
        await Poll.UntilAsync(() => atHome.LastHop > hopAtA, Patient);
        Assert.Equal(FaultState.Ok, Faults.StateOf(counter));
    }

    /// <summary>
    /// A holds the state, cut off from the manager; X asked after it, then C. X dies, and the repair cannot ask A, so X is
    /// undecided. Then C dies: C used to be judged by who came after it (nobody), and the state declared lost, although A
    /// still held it. A partition loses nothing, even when crashes come with it.
    /// </summary>
    [Fact]
    public async Task A_dead_requester_behind_an_undecided_dead_site_does_not_make_a_partition_lose_the_state()
    {
        await using var harness = new SiteHarness();
        var home = await StartAsync(harness, callTimeout: TimeSpan.FromSeconds(2), faults: Unhurried);
        var counter = Counter.Create();
        var ticket = counter.OfferUnlimited(home);
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        SilenceableTransport? quiet = null;
        var siteA = await StartAsync(harness, faults: Unhurried, wrap: t => quiet = new SilenceableTransport(t));
        var (siteX, siteC) = (await StartAsync(harness, faults: Unhurried), await StartAsync(harness, faults: Unhurried));
        var (a, x, c) = (await Counter.TakeAsync(siteA, ticket), await Counter.TakeAsync(siteX, ticket), await Counter.TakeAsync(siteC, ticket));
        var gate = Gates.New();
        var held = a.HoldAsync(gate);
        await Gates.EnteredAsync(gate).WaitAsync(Patient);
        _ = await QueueIncrementsAsync(home, x, 2);
        _ = await QueueIncrementsAsync(home, c, 3);
        await Poll.UntilAsync(() => siteA.Counters.Received(MessageKind.Forward) == 1, Patient);
        quiet!.Silence();
        try
        {
            Assert.True(harness.Network.KillTransport(siteX.Address));
            home.Health.Fail(siteX.Identity, "the test's verdict");
            await Poll.UntilAsync(() => home.Counters.Sent(MessageKind.StateReroute) >= 1, Patient);
            await Poll.UntilAsync(() => !manager.Repairing, Patient);

            Assert.True(harness.Network.KillTransport(siteC.Address));
            home.Health.Fail(siteC.Identity, "the test's verdict");
            var reroutes = home.Counters.Sent(MessageKind.StateReroute);
            await Poll.UntilAsync(() => home.Counters.Sent(MessageKind.StateReroute) > reroutes, Patient);
            await Poll.UntilAsync(() => !manager.Repairing, Patient);

            Assert.Equal(FaultState.Ok, Faults.StateOf(counter));
        }
        finally
        {
            quiet.Hear();
            Gates.Release(gate);
        }
        await held.WaitAsync(Patient);
        Assert.Equal(1, await Task.Run(counter.Increment).WaitAsync(Patient));
    }
}
