using System.Diagnostics;
using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.FaultHandling;

public sealed class FailureDetectionTests
{
    [Fact]
    public async Task An_idle_link_carries_heartbeats_and_a_busy_one_carries_none()
    {
        await using var harness = new SiteHarness();
        var faults = FaultSites.Fast with { HeartbeatInterval = TimeSpan.FromMilliseconds(400), MinimumSilenceSlack = TimeSpan.FromSeconds(2) };
        var home = await FaultSites.StartAsync(harness, faults);
        var holder = await FaultSites.StartAsync(harness, faults);
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));

        await Poll.UntilAsync(() => holder.Counters.Sent(MessageKind.Heartbeat) >= 3 && holder.Counters.Received(MessageKind.HeartbeatAck) >= 3);

        // Calls every 20 ms keep both directions busy, so neither side owes the other a heartbeat. Counting starts
        // once the calls have run for a while: each side may have owed one just as they began.
        var heartbeats = () => holder.Counters.Sent(MessageKind.Heartbeat) + home.Counters.Sent(MessageKind.Heartbeat);
        var busy = Stopwatch.StartNew();
        long? before = null;
        var lastCall = TimeSpan.Zero;
        var gaps = new List<TimeSpan>();
        while (busy.ElapsedMilliseconds < 1700)
        {
            Assert.Equal("hello busy", greeter.Greet("busy"));
            if (before is not null) gaps.Add(busy.Elapsed - lastCall);
            lastCall = busy.Elapsed;
            await Task.Delay(20);
            if (before is null && busy.ElapsedMilliseconds >= 200) (before, lastCall) = (heartbeats(), busy.Elapsed);
        }
        var during = heartbeats() - before!.Value;
        // A stall of this process (GC, a starved pool) can leave the link quiet for a heartbeat interval (400 ms, less
        // a sweep period); then each side rightly owes one. Nothing else may send any.
        var idleSpells = gaps.Count(gap => gap >= TimeSpan.FromMilliseconds(300));
        Assert.True(during <= 2 * idleSpells, $"{during} heartbeats went out on a busy link (longest gap between calls {gaps.Max().TotalMilliseconds:0} ms)");
        Assert.Equal(FaultState.Ok, Faults.StateOf(greeter));
    }

    [Fact]
    public async Task On_an_idle_link_each_side_sends_heartbeats_of_its_own_besides_echoing_the_peers()
    {
        await using var harness = new SiteHarness();
        var faults = FaultSites.Fast with { HeartbeatInterval = TimeSpan.FromMilliseconds(200), MinimumSilenceSlack = TimeSpan.FromSeconds(2) };
        var home = await FaultSites.StartAsync(harness, faults);
        var holder = await FaultSites.StartAsync(harness, faults);
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));
        Assert.Equal("hello idle", greeter.Greet("idle"));

        // Only a side's own heartbeats, echoed, prove the peer read what it sent (the migratory Outbox waits on them).
        await Poll.UntilAsync(() => harness.Sites.All(site => site.Counters.Sent(MessageKind.Heartbeat) >= 5 && site.Counters.Received(MessageKind.HeartbeatAck) >= 5));
    }

    [Fact]
    public async Task Silence_gives_TempFail_and_traffic_restores_Ok()
    {
        await using var harness = new SiteHarness();
        var partition = new Partition(harness.Network);
        var home = await FaultSites.StartAsync(harness);
        var holder = await FaultSites.StartAsync(harness);
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));
        var (seen, done) = FaultSites.Record(greeter);
        await Poll.UntilAsync(() => FaultSites.Snapshot(seen).Length == 1);

        partition.Close();
        var silent = Stopwatch.StartNew();
        await Poll.UntilAsync(() => Faults.StateOf(greeter) == FaultState.TempFail);
        var detected = silent.Elapsed;
        partition.Heal();
        await Poll.UntilAsync(() => Faults.StateOf(greeter) == FaultState.Ok);
        // The stream hears of the Ok through its own callback, which may run a moment after the state changed.
        await Poll.UntilAsync(() => FaultSites.Snapshot(seen).Length >= 3);

        Assert.Equal(new[] { FaultState.Ok, FaultState.TempFail, FaultState.Ok }, FaultSites.Snapshot(seen));
        // The bound is one heartbeat interval plus the slack (500 ms here); the sweep runs every 25 ms.
        Assert.InRange(detected, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(3));
        Assert.Equal("hello again", greeter.Greet("again"));
        Assert.False(done.IsCompleted);
    }

    [Fact]
    public async Task A_peer_suspected_while_its_link_carries_traffic_is_Ok_again_at_the_next_sweep()
    {
        await using var harness = new SiteHarness();
        var home = await FaultSites.StartAsync(harness);
        var holder = await FaultSites.StartAsync(harness);
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));
        Assert.Equal("hello first", greeter.Greet("first"));
        var (seen, _) = FaultSites.Record(greeter);
        await Poll.UntilAsync(() => FaultSites.Snapshot(seen).Length == 1);

        // What a frame read between the sweep's declaration of silence and its suspicion left behind: the link no
        // longer silent, the peer TempFail. Before the sweep looked at it again, the peer stayed TempFail for good.
        holder.Health.Suspect(home.Identity, "silent (as the race left it)");

        await Poll.UntilAsync(() => FaultSites.Snapshot(seen).Length >= 3, TimeSpan.FromSeconds(5));
        Assert.Equal(new[] { FaultState.Ok, FaultState.TempFail, FaultState.Ok }, FaultSites.Snapshot(seen));
        Assert.Equal("hello again", greeter.Greet("again"));
    }

    [Fact]
    public async Task A_crashed_home_is_TempFail_then_PermFail_within_the_grace_period_and_the_stream_ends()
    {
        await using var harness = new SiteHarness();
        var home = await FaultSites.StartAsync(harness);
        var holder = await FaultSites.StartAsync(harness);
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));
        var (seen, done) = FaultSites.Record(greeter);
        await Poll.UntilAsync(() => FaultSites.Snapshot(seen).Length == 1);
        var pending = greeter.HangAsync(CancellationToken.None);

        var crashed = Stopwatch.StartNew();
        Assert.True(harness.Network.KillTransport(home.Address));
        await done.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new[] { FaultState.Ok, FaultState.TempFail, FaultState.PermFail }, FaultSites.Snapshot(seen));
        Assert.True(crashed.Elapsed < FaultSites.Fast.PermFailGrace + TimeSpan.FromSeconds(1), $"PermFail took {crashed.Elapsed}");
        await Assert.ThrowsAsync<ConnectionClosedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
        var refused = Assert.Throws<EntityFaultException>(() => greeter.Greet("anyone"));
        Assert.Equal(FaultState.PermFail, refused.State);
        Assert.Contains("Greeter", refused.Entity);
    }

    [Fact]
    public async Task A_site_restarted_on_the_same_address_breaks_references_to_its_old_incarnation()
    {
        await using var harness = new SiteHarness();
        var id = Guid.NewGuid();
        var slowGrace = FaultSites.Fast with { PermFailGrace = TimeSpan.FromSeconds(30) };
        var home = await FaultSites.StartAsync(harness, slowGrace, id, "mem:restart-home");
        var holder = await FaultSites.StartAsync(harness, slowGrace);
        var old = await Greeter.TakeAsync(holder, new Greeter().Offer(home));
        Assert.True(harness.Network.KillTransport(home.Address));
        await Poll.UntilAsync(() => Faults.StateOf(old) == FaultState.TempFail);

        var restarted = await FaultSites.StartAsync(harness, slowGrace, id, "mem:restart-home");

        // The redial meets the new incarnation long before the 30 s grace would run out.
        await Poll.UntilAsync(() => Faults.StateOf(old) == FaultState.PermFail, TimeSpan.FromSeconds(10));
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => old.Greet("old")).State);
        var fresh = await Greeter.TakeAsync(holder, new Greeter().Offer(restarted));
        Assert.Equal("hello new", fresh.Greet("new"));
        Assert.Equal(FaultState.Ok, Faults.StateOf(fresh));
    }

    [Fact]
    public async Task A_site_that_stops_says_so_and_its_references_fail_at_once()
    {
        await using var harness = new SiteHarness();
        var slowGrace = FaultSites.Fast with { PermFailGrace = TimeSpan.FromSeconds(30) };
        var home = await FaultSites.StartAsync(harness, slowGrace);
        var holder = await FaultSites.StartAsync(harness, slowGrace);
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));

        await home.StopAsync();

        await Poll.UntilAsync(() => Faults.StateOf(greeter) == FaultState.PermFail, TimeSpan.FromSeconds(5));
        Assert.Equal(1, holder.Counters.Received(MessageKind.SiteLeaving));
    }

    [Fact]
    public void Fault_options_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SiteOptions { Faults = new FaultOptions { HeartbeatInterval = TimeSpan.Zero } }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SiteOptions { Faults = new FaultOptions { PermFailGrace = TimeSpan.Zero } }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SiteOptions { Faults = new FaultOptions { MinimumSilenceSlack = TimeSpan.FromSeconds(-1) } }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SiteOptions { Faults = new FaultOptions { Detection = (FaultDetection)9 } }.Validate());
    }
}
