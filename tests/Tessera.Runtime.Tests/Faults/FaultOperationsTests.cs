using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.FaultHandling;

public sealed class FaultOperationsTests
{
    [Fact]
    public async Task Break_fails_the_entity_on_this_site_only()
    {
        await using var harness = new SiteHarness();
        var home = await FaultSites.StartAsync(harness);
        var first = await FaultSites.StartAsync(harness);
        var second = await FaultSites.StartAsync(harness);
        var target = new Greeter();
        var ticket = target.OfferUnlimited(home);
        var broken = await Greeter.TakeAsync(first, ticket);
        var intact = await Greeter.TakeAsync(second, ticket);
        var (seen, done) = FaultSites.Record(broken);
        await Poll.UntilAsync(() => FaultSites.Snapshot(seen).Length == 1);

        Assert.True(Faults.Break(broken));
        Assert.False(Faults.Break(broken));

        await done.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(new[] { FaultState.Ok, FaultState.LocalFail }, FaultSites.Snapshot(seen));
        var sentBefore = first.Counters.Sent(MessageKind.Call);
        var refused = await Assert.ThrowsAsync<EntityFaultException>(() => Task.Run(() => broken.Greet("x")));
        Assert.Equal(FaultState.LocalFail, refused.State);
        Assert.Contains("Call of method", refused.Operation);
        Assert.Equal(sentBefore, first.Counters.Sent(MessageKind.Call));
        Assert.Equal("hello y", intact.Greet("y"));
        Assert.Equal(FaultState.Ok, Faults.StateOf(intact));
        Assert.Equal(1, target.Greetings());
    }

    [Fact]
    public async Task Kill_from_a_holder_fails_the_entity_everywhere()
    {
        await using var harness = new SiteHarness();
        var home = await FaultSites.StartAsync(harness);
        var killer = await FaultSites.StartAsync(harness);
        var bystander = await FaultSites.StartAsync(harness);
        var target = new Greeter();
        var ticket = target.OfferUnlimited(home);
        var mine = await Greeter.TakeAsync(killer, ticket);
        var theirs = await Greeter.TakeAsync(bystander, ticket);
        var (seen, done) = FaultSites.Record(theirs);
        await Poll.UntilAsync(() => FaultSites.Snapshot(seen).Length == 1);

        await Faults.KillAsync(mine);

        Assert.Equal(FaultState.PermFail, Faults.StateOf(mine));
        await done.WaitAsync(TimeSpan.FromSeconds(5));
        // The bystander may see the home go silent for a moment on a loaded machine (TempFail, then Ok again);
        // what matters is that its reference ends PermFail, once, and was never PermFail before.
        var states = FaultSites.Snapshot(seen);
        Assert.Equal(FaultState.Ok, states[0]);
        Assert.Equal(FaultState.PermFail, states[^1]);
        Assert.Single(states, state => state == FaultState.PermFail);
        await Poll.UntilAsync(() => Faults.StateOf(target) == FaultState.PermFail);
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => theirs.Greet("late")).State);
        Assert.Equal(0, target.Greetings());
    }

    [Fact]
    public async Task A_holder_that_missed_the_kill_notice_learns_it_on_its_next_call()
    {
        await using var harness = new SiteHarness();
        var home = await FaultSites.StartAsync(harness);
        var holder = await FaultSites.StartAsync(harness);
        var target = new Greeter();
        var greeter = await Greeter.TakeAsync(holder, target.Offer(home));

        // Killed at home before the holder is connected to hear about it... here, by the home itself.
        await Faults.KillAsync(target);
        await Poll.UntilAsync(() => holder.Counters.Received(MessageKind.EntityKilled) == 1 || Faults.StateOf(greeter) == FaultState.PermFail);

        var refused = Assert.Throws<EntityFaultException>(() => greeter.Greet("x"));
        Assert.Equal(FaultState.PermFail, refused.State);
        Assert.Equal(0, target.Greetings());
    }

    [Fact]
    public async Task During_TempFail_a_call_fails_fast_in_exception_mode_and_completes_after_recovery_in_wait_mode()
    {
        await using var harness = new SiteHarness();
        var partition = new Partition(harness.Network);
        var home = await FaultSites.StartAsync(harness, callTimeout: TimeSpan.FromSeconds(20));
        var holder = await FaultSites.StartAsync(harness, callTimeout: TimeSpan.FromSeconds(20));
        var target = new Greeter();
        var ticket = target.OfferUnlimited(home);
        var greeter = await Greeter.TakeAsync(holder, ticket);
        Assert.Equal(FaultDetection.ThrowOnUse, Faults.DetectionOf(greeter));

        partition.Close();
        await Poll.UntilAsync(() => Faults.StateOf(greeter) == FaultState.TempFail);
        var fast = Assert.Throws<EntityFaultException>(() => greeter.Greet("fast"));
        Assert.Equal(FaultState.TempFail, fast.State);

        Faults.SetDetection(greeter, FaultDetection.WaitForRecovery);
        var waiting = Task.Run(() => greeter.Greet("patient"));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        partition.Heal();

        Assert.Equal("hello patient", await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, target.Greetings());
    }

    [Fact]
    public async Task Wait_mode_still_ends_at_the_calls_deadline()
    {
        await using var harness = new SiteHarness();
        var partition = new Partition(harness.Network);
        var wait = FaultSites.Fast with { Detection = FaultDetection.WaitForRecovery };
        var home = await FaultSites.StartAsync(harness, wait, callTimeout: TimeSpan.FromSeconds(1));
        var holder = await FaultSites.StartAsync(harness, wait, callTimeout: TimeSpan.FromSeconds(1));
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));
        partition.Close();
        await Poll.UntilAsync(() => Faults.StateOf(greeter) == FaultState.TempFail);

        var error = await Assert.ThrowsAsync<CallTimeoutException>(() => Task.Run(() => greeter.Greet("never")).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(error.MayHaveRun);
        partition.Heal();
    }

    [Fact]
    public async Task A_one_way_call_made_while_calls_are_held_waits_behind_them()
    {
        await using var harness = new SiteHarness();
        // Long enough a grace that the cut home stays TempFail, not PermFail, while the test works through it.
        var patient = FaultSites.Fast with { PermFailGrace = TimeSpan.FromSeconds(20) };
        var home = await FaultSites.StartAsync(harness, patient, callTimeout: TimeSpan.FromSeconds(20));
        var caller = await FaultSites.StartAsync(harness, patient, callTimeout: TimeSpan.FromSeconds(20));
        var sequencer = Sequencer.Create();
        var remote = await Sequencer.TakeAsync(caller, sequencer.Offer(home));
        Assert.Equal(0, await remote.Count().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        caller.Connections.Abort(home.Identity, new InvalidOperationException("cut by the test"));
        await Poll.UntilAsync(() => caller.Health.StateOf(home.Identity) == FaultState.TempFail && !caller.Connections.IsEstablished(home.Identity));

        var held = Enumerable.Range(1, 1000).Select(remote.Record).ToArray();
        var dial = caller.Connections.GetAsync(home.Identity, home.EndpointHints, CancellationToken.None).AsTask();
        SpinWait.SpinUntil(() => caller.Connections.IsEstablished(home.Identity), TimeSpan.FromSeconds(10));
        // The connection is back, the held calls not yet sent: a one-way call that went straight out overtook them.
        remote.Note(1001);
        await dial.WaitAsync(TimeSpan.FromSeconds(10));

        foreach (var reply in held) await reply.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => sequencer.Count().Value == 1001);
        Assert.Equal(0, sequencer.OutOfOrder().Value);
    }

    [Fact]
    public async Task An_async_call_held_while_its_home_is_unreachable_has_one_timeout_for_all_its_stages()
    {
        await using var harness = new SiteHarness();
        var patient = FaultSites.Fast with { PermFailGrace = TimeSpan.FromSeconds(30) };
        var timeout = TimeSpan.FromSeconds(4);
        var home = await FaultSites.StartAsync(harness, patient, callTimeout: TimeSpan.FromSeconds(30));
        var caller = await FaultSites.StartAsync(harness, patient, callTimeout: timeout);
        var remote = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        Assert.Equal(0, await remote.Count().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        caller.Connections.Abort(home.Identity, new InvalidOperationException("cut by the test"));
        await Poll.UntilAsync(() => caller.Health.StateOf(home.Identity) == FaultState.TempFail && !caller.Connections.IsEstablished(home.Identity));

        var made = System.Diagnostics.Stopwatch.StartNew();
        var hanging = remote.HangAsync(CancellationToken.None);
        await Task.Delay(timeout * 0.75);
        Assert.False(caller.Connections.IsEstablished(home.Identity));
        await caller.Connections.GetAsync(home.Identity, home.EndpointHints, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        // Sent with a quarter of its time left, to a method that never returns: the reply stage gets only that quarter.
        Assert.True((await Assert.ThrowsAsync<CallTimeoutException>(() => hanging.AsTask().WaitAsync(TimeSpan.FromSeconds(20)))).MayHaveRun);
        Assert.InRange(made.Elapsed, timeout * 0.95, timeout * 1.5);
    }

    [Fact]
    public async Task An_async_call_that_times_out_while_held_says_it_did_not_run()
    {
        await using var harness = new SiteHarness();
        var (_, remote) = await CutOffWithRoomForOneHeldCallAsync(harness, TimeSpan.FromSeconds(1));

        var held = remote.HangAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<CallTimeoutException>(() => held.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(error.MayHaveRun);
        Assert.Contains("reachable again", error.Message);
    }

    [Fact]
    public async Task A_call_cancelled_while_it_waits_for_room_among_held_calls_is_cancelled_not_timed_out()
    {
        await using var harness = new SiteHarness();
        var (_, remote) = await CutOffWithRoomForOneHeldCallAsync(harness, TimeSpan.FromSeconds(10));
        var held = remote.HangAsync(CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var waiting = Task.Run(() => remote.HangAsync(cancellation.Token));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        cancellation.Cancel();

        var reply = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        var error = await Record.ExceptionAsync(() => reply.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.False(held.IsBound);
    }

    [Fact]
    public async Task A_one_way_call_cancelled_while_it_waits_for_room_among_held_calls_throws_to_its_caller()
    {
        await using var harness = new SiteHarness();
        var (_, remote) = await CutOffWithRoomForOneHeldCallAsync(harness, TimeSpan.FromSeconds(10));
        _ = remote.HangAsync(CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        // One-way: no reply variable to fail, so the caller, still blocked here, is the one to tell.
        var waiting = Task.Run(() => remote.NoteUnlessCancelled(1, cancellation.Token));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    /// <summary>A caller whose home is TempFail with no connection, so its async calls are held, and at most one at a time.</summary>
    private static async Task<(Site Caller, Sequencer.Ref Remote)> CutOffWithRoomForOneHeldCallAsync(SiteHarness harness, TimeSpan callTimeout)
    {
        var patient = FaultSites.Fast with { PermFailGrace = TimeSpan.FromSeconds(30) };
        var home = await FaultSites.StartAsync(harness, patient, callTimeout: TimeSpan.FromSeconds(30));
        var caller = await harness.StartSiteAsync(callTimeout, configure: options => options with { Faults = patient, MaxOutstandingAsyncCalls = 1 });
        var remote = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        Assert.Equal(0, await remote.Count().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        caller.Connections.Abort(home.Identity, new InvalidOperationException("cut by the test"));
        await Poll.UntilAsync(() => caller.Health.StateOf(home.Identity) == FaultState.TempFail && !caller.Connections.IsEstablished(home.Identity));
        return (caller, remote);
    }

    [Fact]
    public async Task Async_sends_during_TempFail_are_delivered_in_order_after_recovery()
    {
        await using var harness = new SiteHarness();
        var partition = new Partition(harness.Network);
        var home = await FaultSites.StartAsync(harness, callTimeout: TimeSpan.FromSeconds(20));
        var holder = await FaultSites.StartAsync(harness, callTimeout: TimeSpan.FromSeconds(20));
        var sequencer = Sequencer.Create();
        var remote = await Sequencer.TakeAsync(holder, sequencer.Offer(home));
        partition.Close();
        await Poll.UntilAsync(() => Faults.StateOf(remote) == FaultState.TempFail);

        var replies = Enumerable.Range(0, 50).Select(i => remote.Record(i)).ToArray();
        partition.Heal();

        foreach (var reply in replies) await reply.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(50, await remote.Count().AsTask());
        Assert.Equal(0, await remote.OutOfOrder().AsTask());
    }

    [Fact]
    public async Task PermFail_fails_pending_reply_variables_and_later_async_calls()
    {
        await using var harness = new SiteHarness();
        var home = await FaultSites.StartAsync(harness);
        var holder = await FaultSites.StartAsync(harness);
        var remote = await Sequencer.TakeAsync(holder, Sequencer.Create().Offer(home));
        var pending = remote.HangAsync(CancellationToken.None);

        Assert.True(harness.Network.KillTransport(home.Address));
        await Poll.UntilAsync(() => Faults.StateOf(remote) == FaultState.PermFail);

        await Assert.ThrowsAsync<ConnectionClosedException>(() => pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        var later = await Assert.ThrowsAsync<EntityFaultException>(() => remote.Add(1, 2).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(FaultState.PermFail, later.State);
    }
}
