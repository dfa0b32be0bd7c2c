using System.Diagnostics;
using Tessera.Infrastructure;
using Tessera.Runtime.Tests.Sites;
using Tessera.Transport;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.FaultHandling;

/// <summary>The migratory protocol under the fault model: what [Cached] objects do when sites crash, links drop or partition.</summary>
public sealed partial class CachedFaultTests
{
    private static readonly TimeSpan Patient = TimeSpan.FromSeconds(20);

    // Many sites share two cores here, and a starved one looks silent: waiting through TempFail keeps such a blip
    // from failing calls in tests about something else. The test of the modes sets them itself.
    private static readonly FaultOptions Steady = FaultSites.Fast with { Detection = FaultDetection.WaitForRecovery };

    // A reset peer may still hold its end of the old connection and refuse the redial as a duplicate; the
    // dialer tries again after a fifth of the connect timeout (1 s), so the grace must outlast that.
    private static readonly FaultOptions Transient = Steady with { PermFailGrace = TimeSpan.FromSeconds(3) };

    // A detector that never gives up within a test, so the test decides when a site is PermFail.
    private static readonly FaultOptions Unhurried = Steady with { PermFailGrace = TimeSpan.FromMinutes(1) };

    [Fact]
    public async Task When_the_holder_crashes_every_reference_becomes_PermFail_and_no_call_hangs()
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness);
        var holderSite = await StartAsync(harness);
        var holder = await Counter.TakeAsync(holderSite, ticket);
        var waiter = await Counter.TakeAsync(await StartAsync(harness), ticket);
        var idleSite = await StartAsync(harness);
        var idle = await Counter.TakeAsync(idleSite, ticket);
        var (seen, done) = FaultSites.Record(idle);
        holder.Increment();
        var gate = Gates.New();
        var held = holder.HoldAsync(gate);
        await Gates.EnteredAsync(gate).WaitAsync(Patient);
        var waiting = Enumerable.Range(0, 5).Select(_ => waiter.IncrementAsync()).Concat(Enumerable.Range(0, 5).Select(_ => counter.IncrementAsync())).ToList();
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 2);
        var clock = Stopwatch.StartNew();

        Assert.True(harness.Network.KillTransport(holderSite.Address));

        foreach (var call in waiting)
        {
            var error = await Assert.ThrowsAsync<EntityFaultException>(() => call.WaitAsync(Patient));
            Assert.Equal(FaultState.PermFail, error.State);
            Assert.IsType<CachedStateLostException>(error.InnerException);
        }
        // The grace before PermFail is 800 ms; the calls' own deadline is 20 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"The waiting calls ended after {clock.Elapsed}.");
        await done.WaitAsync(Patient);
        // The idle site may see the home go silent for a moment on a loaded machine (TempFail, then Ok again);
        // what matters is that its reference ends PermFail, once, and was never PermFail before.
        var states = FaultSites.Snapshot(seen);
        Assert.Equal(FaultState.Ok, states[0]);
        Assert.Equal(FaultState.PermFail, states[^1]);
        Assert.Single(states, state => state == FaultState.PermFail);
        Assert.All(new[] { counter, waiter, idle }, c => Assert.Equal(FaultState.PermFail, Faults.StateOf(c)));
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => idle.Increment()).State);
        Assert.Equal(0, idleSite.Counters.Sent(MessageKind.Get));
        Gates.Release(gate);
        await held.WaitAsync(Patient);
    }

    [Fact]
    public async Task A_dead_requester_in_the_middle_of_the_chain_is_skipped_and_the_others_lose_no_increment()
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness);
        var (a, b, c) = (await TakeAsync(harness, ticket), await TakeAsync(harness, ticket), await TakeAsync(harness, ticket));
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        var gate = Gates.New();
        var held = counter.HoldAsync(gate);
        var atA = await QueueIncrementsAsync(home, a, 1);
        var atB = await QueueIncrementsAsync(home, b, 2);
        var atC = await QueueIncrementsAsync(home, c, 3);

        Assert.True(harness.Network.KillTransport(harness.Sites[2].Address));
        await Poll.UntilAsync(() => manager.ChainLength == 3);
        Gates.Release(gate);

        Assert.Equal(Enumerable.Range(1, 5), await Task.WhenAll(atA).WaitAsync(Patient));
        Assert.Equal(Enumerable.Range(6, 5), await Task.WhenAll(atC).WaitAsync(Patient));
        await held.WaitAsync(Patient);
        Assert.Equal(10, counter.Count());
        Assert.Equal(1, home.Counters.Sent(MessageKind.StateReroute));
        Assert.All(new[] { counter, a, c }, x => Assert.Equal(FaultState.Ok, Faults.StateOf(x)));
        foreach (var call in atB) Assert.Equal(FaultState.PermFail, (await Assert.ThrowsAsync<EntityFaultException>(() => call.WaitAsync(Patient))).State);
    }

    [Fact]
    public async Task A_state_that_may_have_reached_a_requester_that_died_is_lost_with_it()
    {
        await using var harness = new SiteHarness();
        TokenHoldingTransport? holding = null;
        var (home, counter, ticket) = await ShareAsync(harness, wrap: t => holding = new TokenHoldingTransport(t));
        var siteA = await StartAsync(harness);
        var (a, b) = (await Counter.TakeAsync(siteA, ticket), await TakeAsync(harness, ticket));
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        var gate = Gates.New();
        var held = counter.HoldAsync(gate);
        var atA = await QueueIncrementsAsync(home, a, 1);
        var atB = await QueueIncrementsAsync(home, b, 2);
        holding!.Close();
        Gates.Release(gate);
        // The state has left the home for A (it is in the connection), and A has not read it.
        await Poll.UntilAsync(() => holding.Held == 1);

        Assert.True(harness.Network.KillTransport(siteA.Address));

        // Nobody can tell whether A read it, ran calls and showed their results before it died: no copy carries on.
        foreach (var call in atB)
        {
            var error = await Assert.ThrowsAsync<EntityFaultException>(() => call.WaitAsync(Patient));
            Assert.Equal(FaultState.PermFail, error.State);
            Assert.IsType<CachedStateLostException>(error.InnerException);
        }
        Assert.Equal(FaultState.PermFail, Faults.StateOf(counter));
        Assert.Equal(0, manager.ChainLength);
        holding.Open();
        await held.WaitAsync(Patient);
    }

    [Fact]
    public async Task A_state_that_could_not_leave_for_a_dead_requester_goes_to_the_next_one()
    {
        await using var harness = new SiteHarness();
        var (home, siteA, siteB, a, counter, atA, atB, atC) = await ChainWithADeadMiddleAsync(harness, holderGivesUp: false);
        // A was told to hand the state to B and has tried: nothing has left, and A keeps trying.
        await Poll.UntilAsync(() => siteA.Health.StateOf(siteB.Identity) == FaultState.TempFail);
        Assert.DoesNotContain(atC, call => call.IsCompleted);

        home.Health.Fail(siteB.Identity, "the test's verdict");

        Assert.Equal(Enumerable.Range(6, 5), await Task.WhenAll(atC).WaitAsync(Patient));
        Assert.Equal(11, counter.Increment());
        Assert.Equal(1, siteA.Counters.Sent(MessageKind.Token));
        foreach (var call in atB) Assert.Equal(FaultState.PermFail, (await Assert.ThrowsAsync<EntityFaultException>(() => call.WaitAsync(Patient))).State);
    }

    [Fact]
    public async Task A_holder_that_alone_sees_its_successor_dead_has_the_manager_skip_it()
    {
        await using var harness = new SiteHarness();
        var (home, siteA, siteB, _, counter, _, _, atC) = await ChainWithADeadMiddleAsync(harness, holderGivesUp: true);

        Assert.Equal(Enumerable.Range(6, 5), await Task.WhenAll(atC).WaitAsync(Patient));

        Assert.Equal(FaultState.PermFail, siteA.Health.StateOf(siteB.Identity));
        Assert.NotEqual(FaultState.PermFail, home.Health.StateOf(siteB.Identity));
        Assert.Equal(1, siteA.Counters.Sent(MessageKind.StateUnreachable));
        Assert.Equal(11, counter.Increment());
    }

    [Fact]
    public async Task A_state_that_could_not_leave_for_the_last_requester_stays_with_its_holder_when_that_requester_dies()
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness, Unhurried);
        var (siteA, siteB) = (await StartAsync(harness, faults: Unhurried), await StartAsync(harness));
        var (a, b) = (await Counter.TakeAsync(siteA, ticket), await Counter.TakeAsync(siteB, ticket));
        var gate = Gates.New();
        var held = counter.HoldAsync(gate);
        var atA = await QueueIncrementsAsync(home, a, 1);
        var atB = await QueueIncrementsAsync(home, b, 2);
        Assert.True(harness.Network.KillTransport(siteB.Address));
        Gates.Release(gate);
        Assert.Equal(Enumerable.Range(1, 5), await Task.WhenAll(atA).WaitAsync(Patient));
        await Poll.UntilAsync(() => siteA.Health.StateOf(siteB.Identity) == FaultState.TempFail);

        home.Health.Fail(siteB.Identity, "the test's verdict");

        // Nobody was queued after B: A keeps the state, and the chain goes on from A.
        await held.WaitAsync(Patient);
        Assert.Equal(6, await Task.Run(() => counter.Increment()).WaitAsync(Patient));
        Assert.Equal(7, a.Increment());
        Assert.Equal(FaultState.Ok, Faults.StateOf(a));
        foreach (var call in atB) Assert.Equal(FaultState.PermFail, (await Assert.ThrowsAsync<EntityFaultException>(() => call.WaitAsync(Patient))).State);
    }

    [Fact]
    public async Task A_partition_during_a_move_loses_nothing()
    {
        await using var harness = new SiteHarness();
        var partition = new Partition(harness.Network);
        var (home, counter, ticket) = await ShareAsync(harness);
        var (a, b) = (await TakeAsync(harness, ticket), await TakeAsync(harness, ticket));
        Assert.Equal(1, a.Increment());
        var gate = Gates.New();
        var held = a.HoldAsync(gate);
        await Gates.EnteredAsync(gate).WaitAsync(Patient);
        var atB = await QueueIncrementsAsync(home, b, 2);
        await Poll.UntilAsync(() => harness.Sites[1].Counters.Received(MessageKind.Forward) == 1);

        partition.Close();
        Gates.Release(gate);
        await held.WaitAsync(Patient);
        await Poll.UntilAsync(() => Faults.StateOf(b) == FaultState.TempFail && Faults.StateOf(a) == FaultState.TempFail);
        Assert.DoesNotContain(atB, call => call.IsCompleted);
        partition.Heal();

        Assert.Equal(Enumerable.Range(2, 5), await Task.WhenAll(atB).WaitAsync(Patient));
        Assert.Equal(7, counter.Increment());
        Assert.Equal(8, a.Increment());
        Assert.All(new[] { counter, a, b }, x => Assert.Equal(FaultState.Ok, Faults.StateOf(x)));
    }

    [Theory]
    [InlineData(MessageKind.Get)]
    [InlineData(MessageKind.Forward)]
    [InlineData(MessageKind.Token)]
    public async Task A_message_lost_with_its_connection_is_sent_again_after_the_reconnect_and_nothing_is_lost(MessageKind cut)
    {
        await using var harness = new SiteHarness();
        var cutters = new List<ConnectionCutter>();
        var (home, counter, ticket) = await ShareAsync(harness, Transient, t => Cutter(cutters, t));
        var a = await TakeAsync(harness, ticket, t => Cutter(cutters, t), Transient);
        var b = await TakeAsync(harness, ticket, t => Cutter(cutters, t), Transient);
        Assert.Equal(1, a.Increment());
        // GET leaves the requester (B), FORWARD the home, TOKEN the holder (A).
        var cutter = cutters[cut switch { MessageKind.Get => 2, MessageKind.Forward => 0, _ => 1 }];
        cutter.CutNext(cut);

        Assert.Equal(2, await Task.Run(() => b.Increment()).WaitAsync(Patient));

        Assert.Equal(1, cutter.Cuts);
        Assert.Equal(3, counter.Increment());
        Assert.Equal(4, a.Increment());
        Assert.Equal(5, b.Increment());
        Assert.All(new[] { counter, a, b }, x => Assert.Equal(FaultState.Ok, Faults.StateOf(x)));
    }

    [Fact]
    public async Task When_the_home_crashes_every_reference_becomes_PermFail_even_the_one_holding_the_state()
    {
        await using var harness = new SiteHarness();
        var (home, _, ticket) = await ShareAsync(harness);
        var (a, b) = (await TakeAsync(harness, ticket), await TakeAsync(harness, ticket));
        Assert.Equal(1, a.Increment());
        var waiting = b.IncrementAsync();
        await Poll.UntilAsync(() => harness.Sites[1].Counters.Received(MessageKind.Forward) == 1 || waiting.IsCompleted);

        Assert.True(harness.Network.KillTransport(home.Address));

        await Poll.UntilAsync(() => Faults.StateOf(a) == FaultState.PermFail && Faults.StateOf(b) == FaultState.PermFail);
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => a.Increment()).State);
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => b.Increment()).State);
        // B's call either got the state before the crash or ends with the crash: it never hangs.
        try
        {
            await waiting.WaitAsync(Patient);
        }
        catch (EntityFaultException error)
        {
            Assert.Equal(FaultState.PermFail, error.State);
        }
    }

    [Fact]
    public async Task Break_refuses_calls_on_this_site_only_and_the_state_still_moves_on()
    {
        await using var harness = new SiteHarness();
        var (_, counter, ticket) = await ShareAsync(harness);
        var (a, b) = (await TakeAsync(harness, ticket), await TakeAsync(harness, ticket));
        Assert.Equal(1, a.Increment());

        Assert.True(Faults.Break(a));

        Assert.Equal(FaultState.LocalFail, Assert.Throws<EntityFaultException>(() => a.Increment()).State);
        Assert.Equal(2, b.Increment());
        Assert.Equal(3, counter.Increment());
        Assert.Equal(FaultState.LocalFail, Faults.StateOf(a));
        Assert.Equal(FaultState.Ok, Faults.StateOf(b));
    }

    [Fact]
    public async Task A_killed_object_is_PermFail_for_every_reference_and_its_home_refuses_requests_for_its_state()
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness);
        var (a, b) = (await TakeAsync(harness, ticket), await TakeAsync(harness, ticket));
        Assert.Equal(1, a.Increment());

        await Faults.KillAsync(b);

        await Poll.UntilAsync(() => Faults.StateOf(a) == FaultState.PermFail && Faults.StateOf(counter) == FaultState.PermFail);
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => a.Increment()).State);
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => counter.Increment()).State);
        // A site that connects after the kill was never told; its request reaches the home, which refuses it.
        var lateSite = await StartAsync(harness);
        var late = await Counter.TakeAsync(lateSite, ticket);
        var refused = await Assert.ThrowsAsync<EntityFaultException>(() => Task.Run(() => late.Increment()).WaitAsync(Patient));
        Assert.Equal(FaultState.PermFail, refused.State);
        Assert.Equal(1, lateSite.Counters.Sent(MessageKind.Get));
        Assert.Equal(1, lateSite.Counters.Received(MessageKind.StateLost));
    }

    [Fact]
    public async Task During_TempFail_a_call_that_needs_the_state_fails_fast_or_waits_as_the_mode_says_and_one_with_the_state_here_runs()
    {
        await using var harness = new SiteHarness();
        var partition = new Partition(harness.Network);
        var (_, _, ticket) = await ShareAsync(harness);
        var a = await TakeAsync(harness, ticket);
        var impatientSite = await StartAsync(harness, TimeSpan.FromSeconds(1), FaultSites.Fast);
        var b = await Counter.TakeAsync(impatientSite, ticket);
        Assert.Equal(1, a.Increment());
        partition.Close();
        await Poll.UntilAsync(() => Faults.StateOf(a) == FaultState.TempFail && Faults.StateOf(b) == FaultState.TempFail);

        Assert.Equal(2, a.Increment());
        Assert.Equal(FaultState.TempFail, Assert.Throws<EntityFaultException>(() => b.Increment()).State);
        Assert.Equal(FaultState.TempFail, (await Assert.ThrowsAsync<EntityFaultException>(() => b.IncrementAsync())).State);
        Faults.SetDetection(b, FaultDetection.WaitForRecovery);
        await Assert.ThrowsAsync<StateWaitTimeoutException>(() => Task.Run(() => b.Increment()).WaitAsync(Patient));
        await Assert.ThrowsAsync<StateWaitTimeoutException>(() => b.IncrementAsync().WaitAsync(Patient));
        Assert.Equal(0, impatientSite.Counters.Sent(MessageKind.Get));

        partition.Heal();
        Assert.Equal(3, await Task.Run(() => b.Increment()).WaitAsync(Patient));
    }

    [Fact]
    public async Task The_messages_kept_for_a_resend_are_let_go_once_the_peer_has_read_them()
    {
        await using var harness = new SiteHarness();
        var (_, counter, ticket) = await ShareAsync(harness);
        var (a, b) = (await TakeAsync(harness, ticket), await TakeAsync(harness, ticket));
        for (var i = 0; i < 3; i++)
        {
            a.Increment();
            b.Increment();
            counter.Increment();
        }

        // Idle links carry heartbeats; an echoed heartbeat proves that everything sent before it arrived.
        await Poll.UntilAsync(() => harness.Sites.All(s => s.Migratory.Outbox.Pending == 0));

        Assert.Equal(10, counter.Increment());
    }

    /// <summary>
    /// Home holds the state while A, B and C queue five increments each, in that order; then B's site crashes and
    /// the home lets the state go, so A gets it and is to hand it to B. The home's detector never gives up on B by
    /// itself; A's does within a second if <paramref name="holderGivesUp"/>, else never.
    /// </summary>
    private static async Task<(Site Home, Site SiteA, Site SiteB, Counter A, Counter Counter, List<Task<int>> AtA, List<Task<int>> AtB, List<Task<int>> AtC)> ChainWithADeadMiddleAsync(SiteHarness harness, bool holderGivesUp)
    {
        var (home, counter, ticket) = await ShareAsync(harness, Unhurried);
        var siteA = await StartAsync(harness, faults: holderGivesUp ? Steady : Unhurried);
        var siteB = await StartAsync(harness);
        var (a, b, c) = (await Counter.TakeAsync(siteA, ticket), await Counter.TakeAsync(siteB, ticket), await TakeAsync(harness, ticket));
        var gate = Gates.New();
        var held = counter.HoldAsync(gate);
        var atA = await QueueIncrementsAsync(home, a, 1);
        var atB = await QueueIncrementsAsync(home, b, 2);
        var atC = await QueueIncrementsAsync(home, c, 3);
        Assert.True(harness.Network.KillTransport(siteB.Address));
        Gates.Release(gate);
        Assert.Equal(Enumerable.Range(1, 5), await Task.WhenAll(atA).WaitAsync(Patient));
        await held.WaitAsync(Patient);
        return (home, siteA, siteB, a, counter, atA, atB, atC);
    }

    private static async Task<List<Task<int>>> QueueIncrementsAsync(Site home, Counter proxy, int requestsBefore)
    {
        var calls = Enumerable.Range(0, 5).Select(_ => proxy.IncrementAsync()).ToList();
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == requestsBefore);
        return calls;
    }

    private static ITransport Cutter(List<ConnectionCutter> cutters, ITransport transport)
    {
        var cutter = new ConnectionCutter(transport);
        cutters.Add(cutter);
        return cutter;
    }

    private static async Task<(Site Home, Counter Counter, string Ticket)> ShareAsync(SiteHarness harness, FaultOptions? faults = null, Func<ITransport, ITransport>? wrap = null)
    {
        var home = await StartAsync(harness, faults: faults, wrap: wrap);
        var counter = Counter.Create();
        return (home, counter, counter.OfferUnlimited(home));
    }

    private static async Task<Counter> TakeAsync(SiteHarness harness, string ticket, Func<ITransport, ITransport>? wrap = null, FaultOptions? faults = null)
        => await Counter.TakeAsync(await StartAsync(harness, faults: faults, wrap: wrap), ticket);

    private static Task<Site> StartAsync(SiteHarness harness, TimeSpan? callTimeout = null, FaultOptions? faults = null, Func<ITransport, ITransport>? wrap = null)
        => harness.StartSiteAsync(callTimeout ?? Patient, wrapTransport: wrap, configure: options => options with { Faults = faults ?? Steady });
}
