using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>
/// Dataflow variables are collected as objects are: an unbound variable sent to other sites stays in its manager's
/// table while any of them can still bind or read it (weight), and not a moment longer; a bound one goes once every
/// proxy was told. The manager's own variable stays usable whatever becomes of its entry.
/// </summary>
public sealed class VariableGcTests
{
    [Fact]
    public async Task Ten_thousand_unbound_variables_dropped_at_another_site_leave_the_managers_table_at_its_baseline()
    {
        const int Variables = 10_000;
        await using var harness = new SiteHarness();
        var manager = await GcSites.StartAsync(harness);
        var holder = await GcSites.StartAsync(harness);
        var sink = await VariableRelay.TakeAsync(manager, new VariableRelay().Offer(holder));
        var baseline = manager.Variables.ExportCount;
        var variables = Enumerable.Range(0, Variables).Select(_ => new Dataflow<int>()).ToArray();

        foreach (var variable in variables) await sink.DiscardAsync(variable);

        await VariablesSettleAsync(manager, baseline, holder);
        Assert.Equal(0, holder.Variables.ProxyCount);
        Assert.True(holder.Counters.Sent(MessageKind.WeightReturn) < Variables / 10, $"{holder.Counters.Sent(MessageKind.WeightReturn)} return messages for {Variables} variables: batching failed");
        for (var i = 0; i < variables.Length; i++) variables[i].Bind(i);
        Assert.All(Enumerable.Range(0, Variables), i => Assert.Equal(i, variables[i].Value));
        Assert.Equal(0, manager.Counters.Sent(MessageKind.VariableBound));
    }

    [Fact]
    public async Task A_variable_bound_at_its_manager_leaves_both_tables_once_the_holder_was_told()
    {
        await using var harness = new SiteHarness();
        var manager = await GcSites.StartAsync(harness);
        var holder = await GcSites.StartAsync(harness);
        var relay = await VariableRelay.TakeAsync(manager, new VariableRelay().Offer(holder));
        var variable = new Dataflow<int>();
        await relay.HoldAsync(1, variable);
        await Poll.UntilAsync(() => manager.Counters.Received(MessageKind.VariableRegister) == 1);
        Assert.Equal(1, manager.Variables.ExportCount);
        Assert.Equal(1, holder.Variables.ProxyCount);

        variable.Bind(7);

        await Poll.UntilAsync(() => manager.Variables.ExportCount == 0 && holder.Variables.ProxyCount == 0);
        Assert.Equal(7, await relay.ReadAsync(1));
        Assert.Equal(1, manager.Counters.Sent(MessageKind.VariableBound));
    }

    [Fact]
    public async Task A_variable_bound_by_a_holder_leaves_both_tables_once_every_holder_was_told()
    {
        await using var harness = new SiteHarness();
        var manager = await GcSites.StartAsync(harness);
        var (binder, reader) = (await GcSites.StartAsync(harness), await GcSites.StartAsync(harness));
        var atBinder = await VariableRelay.TakeAsync(manager, new VariableRelay().Offer(binder));
        var atReader = await VariableRelay.TakeAsync(manager, new VariableRelay().Offer(reader));
        var variable = new Dataflow<int>();
        await atBinder.HoldAsync(1, variable);
        await atReader.HoldAsync(1, variable);
        Assert.Equal(1, manager.Variables.ExportCount);

        await atBinder.BindAsync(1, 9);

        Assert.Equal(9, await atReader.ReadAsync(1));
        Assert.Equal(9, variable.Value);
        await Poll.UntilAsync(() => manager.Variables.ExportCount == 0 && binder.Variables.ProxyCount == 0 && reader.Variables.ProxyCount == 0);
    }

    [Fact]
    public async Task A_variable_whose_holder_dropped_it_binds_locally_and_is_exported_afresh_when_sent_again()
    {
        await using var harness = new SiteHarness();
        var manager = await GcSites.StartAsync(harness);
        var holder = await GcSites.StartAsync(harness);
        var relay = await VariableRelay.TakeAsync(manager, new VariableRelay().Offer(holder));
        var variable = new Dataflow<int>();
        await relay.HoldAsync(1, variable);
        await Poll.UntilAsync(() => manager.Counters.Received(MessageKind.VariableRegister) == 1);

        await relay.DropAsync(1);
        await VariablesSettleAsync(manager, 0, holder);
        await relay.HoldAsync(2, variable);
        await Poll.UntilAsync(() => manager.Counters.Received(MessageKind.VariableRegister) == 2);
        Assert.Equal(1, manager.Variables.ExportCount);
        var read = relay.ReadAsync(2);
        variable.Bind(5);

        Assert.Equal(5, variable.Value);
        Assert.Equal(5, await read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, manager.Counters.Sent(MessageKind.VariableBound));
        await Poll.UntilAsync(() => manager.Variables.ExportCount == 0);
    }

    /// <summary>
    /// The holder hands the variable to a third site in its answer and drops its own proxy while that answer is
    /// held back on the wire: its weight reaches the manager first, and the manager must keep the variable for the
    /// copy in flight, which then binds it.
    /// </summary>
    [Fact]
    public async Task A_variable_referenced_only_by_a_message_in_flight_is_not_forgotten()
    {
        await using var harness = new SiteHarness();
        var manager = await GcSites.StartAsync(harness);
        var (giver, taker) = (await GcSites.StartAsync(harness), await GcSites.StartAsync(harness));
        var wire = new HeldBackLink();
        var atGiver = await VariableRelay.TakeAsync(manager, new VariableRelay(wire.OnAnswering).Offer(giver));
        var atTaker = await VariableRelay.TakeAsync(manager, new VariableRelay().Offer(taker));
        // Only the connection between giver and taker, made from here on, goes through the held-back link; a first
        // handover over it, with a variable that is already bound, opens it.
        harness.Network.DeliveryDelay = wire.Deliver;
        await atGiver.HoldAsync(0, new Dataflow<int>(0));
        await atTaker.FetchAsync(0, atGiver);
        var variable = new Dataflow<int>();
        await atGiver.HoldAsync(1, variable);
        await Poll.UntilAsync(() => manager.Counters.Received(MessageKind.VariableRegister) == 1);
        var returnsBefore = manager.Counters.Received(MessageKind.WeightReturn);
        wire.HoldNextAnswer();

        var fetching = atTaker.FetchAsync(1, atGiver);
        await Poll.UntilAsync(() => wire.IsHolding);
        await Poll.UntilAsync(() =>
        {
            Collect.Garbage();
            return giver.Variables.ProxyCount == 0;
        });
        await Poll.UntilAsync(() => manager.Counters.Received(MessageKind.WeightReturn) > returnsBefore);

        Assert.Equal(1, manager.Variables.ExportCount);
        Assert.False(fetching.IsCompleted);
        wire.Release();
        await fetching.WaitAsync(TimeSpan.FromSeconds(10));
        await atTaker.BindAsync(1, 42);
        Assert.Equal(42, variable.Value);
        await Poll.UntilAsync(() => manager.Variables.ExportCount == 0 && taker.Variables.ProxyCount == 0);
    }

    /// <summary>Collects garbage until the manager's variable table is back at <paramref name="baseline"/> and the holder holds no proxy.</summary>
    private static async Task VariablesSettleAsync(Site manager, int baseline, Site holder)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (manager.Variables.ExportCount != baseline || holder.Variables.ProxyCount != 0)
        {
            if (deadline.IsCancellationRequested) Assert.Fail($"The manager still exports {manager.Variables.ExportCount} variables (baseline {baseline}); the holder has {holder.Variables.ProxyCount} proxies.");
            Collect.Garbage();
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Installed as the network's delivery delay, so it affects only connections made while it is installed: once
    /// armed, the next answer of the relay that calls <see cref="OnAnswering"/> and everything after it on those
    /// connections are held back until released.
    /// </summary>
    private sealed class HeldBackLink
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource _released = NewGate(open: true);
        private bool _armed;
        private int _holding;

        public bool IsHolding => Volatile.Read(ref _holding) > 0;

        public void HoldNextAnswer()
        {
            lock (_gate) _armed = true;
        }

        public void OnAnswering()
        {
            lock (_gate)
            {
                if (!_armed) return;
                _armed = false;
                _released = NewGate(open: false);
            }
        }

        public void Release()
        {
            lock (_gate) _released.TrySetResult();
        }

        public async ValueTask Deliver()
        {
            Task released;
            lock (_gate) released = _released.Task;
            if (released.IsCompleted) return;
            Interlocked.Increment(ref _holding);
            try
            {
                await released.WaitAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                Interlocked.Decrement(ref _holding);
            }
        }

        private static TaskCompletionSource NewGate(bool open)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (open) gate.SetResult();
            return gate;
        }
    }
}
