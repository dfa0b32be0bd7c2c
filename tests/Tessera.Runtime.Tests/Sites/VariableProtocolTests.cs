using Tessera.Runtime.Tests.FaultHandling;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>One dataflow variable shared by several sites: manager here, proxies at the keepers' sites.</summary>
public sealed class VariableProtocolTests
{
    [Fact]
    public async Task An_unbound_variable_passed_to_another_site_is_the_same_variable()
    {
        await using var harness = new SiteHarness();
        var manager = await harness.StartSiteAsync();
        var other = await harness.StartSiteAsync();
        var keeper = await VariableKeeper.TakeAsync(manager, new VariableKeeper().Offer(other));
        var variable = new Dataflow<int>();

        keeper.Keep(variable);
        var read = Task.Run(keeper.Read);
        variable.Bind(42);

        Assert.Equal(42, await read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_remote_bind_is_one_message_to_the_manager_and_one_to_each_registered_proxy()
    {
        await using var harness = new SiteHarness();
        var (variable, keeper1, keeper2) = await KeptAtTwoOtherSitesAsync(harness);
        var (manager, first, second) = (harness.Sites[0], harness.Sites[1], harness.Sites[2]);
        await WaitUntilAsync(() => manager.Counters.Received(MessageKind.VariableRegister) == 2);

        keeper1.Bind(7);

        Assert.Equal(7, variable.GetValue(TimeSpan.FromSeconds(10)));
        Assert.Equal(7, keeper2.Read());
        Assert.Equal(1, first.Counters.Sent(MessageKind.VariableBind));
        Assert.Equal(2, manager.Counters.Sent(MessageKind.VariableBound));
        Assert.Equal(0, second.Counters.Sent(MessageKind.VariableBind));
        Assert.Equal(1 + 2, first.Counters.Sent(MessageKind.VariableBind) + manager.Counters.Sent(MessageKind.VariableBound) + second.Counters.Sent(MessageKind.VariableBound));
    }

    [Fact]
    public async Task Conflicting_binds_from_two_sites_leave_one_winner_everywhere_and_exactly_one_failure()
    {
        await using var harness = new SiteHarness();
        var (variable, keeper1, keeper2) = await KeptAtTwoOtherSitesAsync(harness);

        using var start = new Barrier(2);
        var bind1 = Task.Run(() => Outcome(() => { start.SignalAndWait(); keeper1.Bind(1); }));
        var bind2 = Task.Run(() => Outcome(() => { start.SignalAndWait(); keeper2.Bind(2); }));
        var outcomes = await Task.WhenAll(bind1, bind2).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Single(outcomes, o => o is null);
        var loser = Assert.Single(outcomes.OfType<RemoteException>());
        Assert.Equal(typeof(DataflowBindingConflictException).FullName, loser.RemoteTypeName);
        var winner = variable.GetValue(TimeSpan.FromSeconds(10));
        Assert.Contains(winner, new[] { 1, 2 });
        Assert.Equal(winner, keeper1.Read());
        Assert.Equal(winner, keeper2.Read());
    }

    [Fact]
    public async Task Conflicting_faults_from_two_sites_leave_one_winner_and_only_its_site_is_told_it_won()
    {
        await using var harness = new SiteHarness();
        var (variable, keeper1, keeper2) = await KeptAtTwoOtherSitesAsync(harness);

        using var start = new Barrier(2);
        var fail1 = Task.Run(() => { start.SignalAndWait(); return keeper1.TryFail("first"); });
        var fail2 = Task.Run(() => { start.SignalAndWait(); return keeper2.TryFail("second"); });
        var won = await Task.WhenAll(fail1, fail2).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Single(won, w => w);
        var fault = Assert.Throws<RemoteException>(() => variable.GetValue(TimeSpan.FromSeconds(10)));
        Assert.Contains(won[0] ? "first" : "second", fault.Message);
    }

    [Fact]
    public async Task A_bind_at_the_manager_and_a_remote_bind_conflict_cleanly()
    {
        await using var harness = new SiteHarness();
        var manager = await harness.StartSiteAsync();
        var other = await harness.StartSiteAsync();
        var keeper = await VariableKeeper.TakeAsync(manager, new VariableKeeper().Offer(other));
        var variable = new Dataflow<int>();
        keeper.Keep(variable);
        variable.Bind(10);

        Assert.False(keeper.TryBind(11));
        Assert.True(keeper.TryBind(10));
        Assert.Equal(10, keeper.Read());
    }

    [Fact]
    public async Task A_variable_created_elsewhere_comes_home_as_the_original()
    {
        await using var harness = new SiteHarness();
        var here = await harness.StartSiteAsync();
        var other = await harness.StartSiteAsync();
        var keeper = await VariableKeeper.TakeAsync(here, new VariableKeeper().Offer(other));

        var fresh = keeper.Fresh();
        Assert.False(fresh.IsDetermined);
        fresh.Bind(5);

        Assert.Equal(5, keeper.Read());
        Assert.Throws<DataflowBindingConflictException>(() => fresh.Bind(6));
    }

    [Fact]
    public async Task Variables_passed_to_an_async_call_are_read_at_home_when_bound()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        var a = new Dataflow<int>();
        var b = new Dataflow<int>(2);

        var sum = sequencer.Sum(a, b);
        a.Bind(40);

        Assert.Equal(42, await sum);
    }

    [Fact]
    public async Task Losing_the_manager_for_good_fails_unbound_proxies_with_PermFail()
    {
        await using var harness = new SiteHarness();
        var manager = await StartAsync(harness);
        var other = await StartAsync(harness);
        var keeperHome = await KeepingAVariableOfAsync(manager, other);

        Assert.True(harness.Network.KillTransport(manager.Address));

        var error = Assert.Throws<EntityFaultException>(() => keeperHome.Read());
        Assert.Equal(FaultState.PermFail, error.State);
        Assert.Equal(FaultState.PermFail, other.Health.StateOf(manager.Identity));
    }

    [Fact]
    public async Task Binding_at_a_proxy_site_whose_manager_is_lost_reports_the_loss_not_a_conflict()
    {
        await using var harness = new SiteHarness();
        var manager = await StartAsync(harness);
        var other = await StartAsync(harness);
        var keeperHome = await KeepingAVariableOfAsync(manager, other);
        Assert.True(harness.Network.KillTransport(manager.Address));
        Assert.Throws<EntityFaultException>(() => keeperHome.Read());

        // Nothing conflicted: the variable ended because its manager did, and that is what the binder hears.
        var error = Assert.Throws<EntityFaultException>(() => keeperHome.Bind(5));
        Assert.Equal(FaultState.PermFail, error.State);
    }

    [Fact]
    public async Task An_outcome_lost_with_its_connection_reaches_the_proxy_once_it_registers_again()
    {
        await using var harness = new SiteHarness();
        var cutters = new List<ConnectionCutter>();
        var (manager, other, keeperHome, _, variable) = await ShareOneVariableAsync(harness, cutters);
        cutters[0].CutNext(MessageKind.VariableBound);

        variable.Bind(42);

        // The dropped connection is TempFail, not the end of the variable: the proxy registers on the next one.
        Assert.Equal(42, keeperHome.Read());
        Assert.Equal(1, cutters[0].Cuts);
        Assert.Equal(2, other.Counters.Sent(MessageKind.VariableRegister));
        // Ok comes with the new connection, which the outcome may overtake: wait for it rather than race it.
        await WaitUntilAsync(() => other.Health.StateOf(manager.Identity) == FaultState.Ok);
    }

    [Fact]
    public async Task A_bind_lost_with_its_connection_is_sent_again_and_binds_the_variable_everywhere()
    {
        await using var harness = new SiteHarness();
        var cutters = new List<ConnectionCutter>();
        var (manager, binder, keeperHome, keeper, variable) = await ShareOneVariableAsync(harness, cutters);
        cutters[1].CutNext(MessageKind.VariableBind);

        // The call's own reply goes out on the connection that was cut, so the call may end with its loss; the bind does not.
        _ = Outcome(() => keeper.Bind(7));

        Assert.Equal(7, variable.GetValue(TimeSpan.FromSeconds(10)));
        Assert.Equal(7, keeperHome.Read());
        Assert.Equal(1, cutters[1].Cuts);
        Assert.Equal(2, binder.Counters.Sent(MessageKind.VariableBind));
        Assert.Equal(1, manager.Counters.Received(MessageKind.VariableBind));
    }

    /// <summary>A variable managed at one site and kept by a keeper at each of two others: the harness's first three sites, in that order.</summary>
    private static async Task<(Dataflow<int> Variable, VariableKeeper Keeper1, VariableKeeper Keeper2)> KeptAtTwoOtherSitesAsync(SiteHarness harness)
    {
        var manager = await harness.StartSiteAsync();
        var (first, second) = (await harness.StartSiteAsync(), await harness.StartSiteAsync());
        var keeper1 = await VariableKeeper.TakeAsync(manager, new VariableKeeper().Offer(first));
        var keeper2 = await VariableKeeper.TakeAsync(manager, new VariableKeeper().Offer(second));
        var variable = new Dataflow<int>();
        keeper1.Keep(variable);
        keeper2.Keep(variable);
        return (variable, keeper1, keeper2);
    }

    private static Exception? Outcome(Action bind)
    {
        try
        {
            bind();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>A variable made at the manager (cutter 0) and kept, unbound, by a keeper at a second site (cutter 1), which has registered.</summary>
    private static async Task<(Site Manager, Site Other, VariableKeeper KeeperHome, VariableKeeper Keeper, Dataflow<int> Variable)> ShareOneVariableAsync(SiteHarness harness, List<ConnectionCutter> cutters)
    {
        var manager = await StartAsync(harness, cutters);
        var other = await StartAsync(harness, cutters);
        var keeperHome = new VariableKeeper();
        var keeper = await VariableKeeper.TakeAsync(manager, keeperHome.Offer(other));
        var variable = new Dataflow<int>();
        keeper.Keep(variable);
        await WaitUntilAsync(() => manager.Counters.Received(MessageKind.VariableRegister) == 1);
        return (manager, other, keeperHome, keeper, variable);
    }

    private static Task<Site> StartAsync(SiteHarness harness, List<ConnectionCutter>? cutters = null)
        => harness.StartSiteAsync(
            wrapTransport: cutters is null ? null : transport =>
            {
                var cutter = new ConnectionCutter(transport);
                cutters.Add(cutter);
                return cutter;
            },
            configure: options => options with { Faults = FaultSites.Fast });

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition()) await Task.Delay(5, cancellation.Token);
    }

    /// <summary>A keeper at <paramref name="other"/> holding a variable made at <paramref name="manager"/>, whose proxy there has registered.</summary>
    private static async Task<VariableKeeper> KeepingAVariableOfAsync(Site manager, Site other)
    {
        var keeperHome = new VariableKeeper();
        var keeper = await VariableKeeper.TakeAsync(manager, keeperHome.Offer(other));
        keeper.Keep(new Dataflow<int>());
        await WaitUntilAsync(() => manager.Counters.Received(MessageKind.VariableRegister) == 1);
        return keeperHome;
    }
}
