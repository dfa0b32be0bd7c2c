using Microsoft.Extensions.Time.Testing;
using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>Leases, on a fake clock: weight held by a crashed site, for an object or a variable, is reclaimed after the lease, never before.</summary>
public sealed class LeaseTests
{
    private static readonly GcOptions Leases = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(200),
        LeaseRenewalInterval = TimeSpan.FromSeconds(65),
        WeightReturnDelay = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task A_crashed_holders_weight_is_reclaimed_after_the_lease_expires_and_not_before()
    {
        var time = new FakeTimeProvider();
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness, time, Leases);
        var holder = await GcSites.StartAsync(harness, time, Leases);
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));
        Assert.True(harness.Network.KillTransport(holder.Address));
        await Poll.UntilAsync(() => home.ConnectionCount == 0);

        await AdvanceAsync(time, Leases.LeaseDuration - TimeSpan.FromSeconds(2));
        Assert.Equal(1, home.ExportedCount);

        await AdvanceAsync(time, TimeSpan.FromSeconds(3));
        Assert.Equal(0, home.ExportedCount);
        GC.KeepAlive(greeter);
    }

    [Fact]
    public async Task A_live_holder_renews_its_lease_so_the_object_outlives_many_lease_periods()
    {
        var time = new FakeTimeProvider();
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness, time, Leases);
        var holder = await GcSites.StartAsync(harness, time, Leases);
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));

        await AdvanceAsync(time, Leases.LeaseDuration * 5, home, holder);

        Assert.Equal(1, home.ExportedCount);
        Assert.True(home.Counters.Received(MessageKind.LeaseRenewal) >= 15);
        Assert.Equal("hello still", greeter.Greet("still"));
    }

    [Theory]
    [InlineData(60, 0)]
    [InlineData(0, -60)]
    public async Task A_wall_clock_stepped_at_home_or_at_the_holder_moves_no_lease(int homeStepMinutes, int holderStepMinutes)
    {
        var time = new FakeTimeProvider();
        await using var harness = new SiteHarness();
        var (homeClock, holderClock) = (new SteppableWallClock(time), new SteppableWallClock(time));
        var home = await GcSites.StartAsync(harness, homeClock, Leases);
        var holder = await GcSites.StartAsync(harness, holderClock, Leases);
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));

        (homeClock.Step, holderClock.Step) = (TimeSpan.FromMinutes(homeStepMinutes), TimeSpan.FromMinutes(holderStepMinutes));
        await AdvanceAsync(time, Leases.LeaseDuration * 2, home, holder);

        Assert.Equal(1, home.ExportedCount);
        Assert.Equal("hello still", greeter.Greet("still"));
    }

    [Fact]
    public async Task A_crashed_holders_variable_is_reclaimed_after_the_lease_expires_and_not_before()
    {
        var time = new FakeTimeProvider();
        await using var harness = new SiteHarness();
        var (manager, holder, _, variable) = await HoldVariableAsync(harness, time);
        Assert.True(harness.Network.KillTransport(holder.Address));
        await Poll.UntilAsync(() => manager.ConnectionCount == 0);

        await AdvanceAsync(time, Leases.LeaseDuration - TimeSpan.FromSeconds(2));
        Assert.Equal(1, manager.Variables.ExportCount);

        await AdvanceAsync(time, TimeSpan.FromSeconds(3));
        Assert.Equal(0, manager.Variables.ExportCount);
        variable.Bind(1);
        Assert.Equal(1, variable.Value);
    }

    [Fact]
    public async Task A_live_holder_renews_its_lease_so_the_variable_outlives_many_lease_periods()
    {
        var time = new FakeTimeProvider();
        await using var harness = new SiteHarness();
        var (manager, holder, relay, variable) = await HoldVariableAsync(harness, time);

        await AdvanceAsync(time, Leases.LeaseDuration * 5, manager, holder);

        Assert.Equal(1, manager.Variables.ExportCount);
        var read = relay.ReadAsync(1);
        variable.Bind(3);
        Assert.Equal(3, await read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_holder_whose_variable_lease_ran_out_while_its_connection_stayed_up_is_told_at_its_next_renewal()
    {
        var time = new FakeTimeProvider();
        await using var harness = new SiteHarness();
        var manager = await GcSites.StartAsync(harness, time, Leases);
        var holder = await GcSites.StartAsync(harness, time, Leases);
        var atHolder = new VariableRelay();
        var relay = await VariableRelay.TakeAsync(manager, atHolder.Offer(holder));
        await relay.HoldAsync(1, new Dataflow<int>());
        await Poll.UntilAsync(() => manager.Counters.Received(MessageKind.VariableRegister) == 1);

        // One jump past the lease: the manager's tick reclaims the variable before the holder's renewal arrives, and
        // the connection stays up, as in a silent partition, so the holder never registers again.
        time.Advance(Leases.LeaseDuration + TimeSpan.FromSeconds(5));
        await TimersDueNowRanAsync(time);

        var told = await Assert.ThrowsAsync<RemoteException>(() => atHolder.ReadAsync(1).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(typeof(EntityNotFoundException).FullName, told.RemoteTypeName);
        Assert.Equal(0, manager.Variables.ExportCount);
        Assert.Equal(1, manager.ConnectionCount);
    }

    [Fact]
    public async Task A_ticket_outlives_any_lease()
    {
        var time = new FakeTimeProvider();
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness, time, Leases);

        new Greeter().OfferUnlimited(home);
        await AdvanceAsync(time, Leases.LeaseDuration * 3);

        Assert.Equal(1, home.ExportedCount);
    }

    [Fact]
    public void Lease_options_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SiteOptions { Gc = new GcOptions { LeaseRenewalInterval = TimeSpan.FromSeconds(300) } }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SiteOptions { Gc = new GcOptions { LeaseDuration = TimeSpan.Zero } }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SiteOptions { Gc = new GcOptions { MaxEntitiesPerMessage = 0 } }.Validate());
    }

    /// <summary>A manager and a holder on <paramref name="time"/>; the holder keeps an unbound variable of the manager's in slot 1.</summary>
    private static async Task<(Site Manager, Site Holder, VariableRelay Relay, Dataflow<int> Variable)> HoldVariableAsync(SiteHarness harness, FakeTimeProvider time)
    {
        var manager = await GcSites.StartAsync(harness, time, Leases);
        var holder = await GcSites.StartAsync(harness, time, Leases);
        var relay = await VariableRelay.TakeAsync(manager, new VariableRelay().Offer(holder));
        var variable = new Dataflow<int>();
        await relay.HoldAsync(1, variable);
        return (manager, holder, relay, variable);
    }

    /// <summary>
    /// Waits until every timer due by now has run. <see cref="FakeTimeProvider.Advance"/> runs due timers on
    /// the thread that advances only if no other thread is running them already; any thread that reads the
    /// clock may be, and then the sites' ticks run there after <c>Advance</c> has returned. Due timers run one at
    /// a time, earliest first, so a timer made now for now runs after all of them.
    /// </summary>
    private static async Task TimersDueNowRanAsync(FakeTimeProvider time)
    {
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var barrier = time.CreateTimer(static state => ((TaskCompletionSource)state!).TrySetResult(), ran, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        await ran.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Advances the clock a second at a time, letting messages already sent arrive between steps as they
    /// would on a real clock: with <paramref name="home"/> and <paramref name="holder"/>, every renewal the
    /// holder has sent so far reaches the home before time moves on.
    /// </summary>
    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan by, Site? home = null, Site? holder = null)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < by; elapsed += TimeSpan.FromSeconds(1))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await TimersDueNowRanAsync(time);
            if (home is not null && holder is not null)
                await Poll.UntilAsync(() => home.Counters.Received(MessageKind.LeaseRenewal) == holder.Counters.Sent(MessageKind.LeaseRenewal));
        }
    }
}
