using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Diagnostics;

/// <summary>The Tessera meter: every instrument, and what two sites' calls, moves and binds record on it.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task The_meter_publishes_every_instrument_with_its_unit()
    {
        // A running site has registered the GC gauges.
        await using var sites = await GreeterSites.StartAsync();
        using var recorder = new MeasurementRecorder();

        var units = recorder.Published.ToDictionary(pair => pair.Key, pair => pair.Value.Unit);

        Assert.Equal("{message}", units["tessera.messages.sent"]);
        Assert.Equal("{message}", units["tessera.messages.received"]);
        Assert.Equal("{call}", units["tessera.calls"]);
        Assert.Equal("s", units["tessera.call.duration"]);
        Assert.Equal("{move}", units["tessera.cached.moves"]);
        Assert.Equal("{bind}", units["tessera.dataflow.binds"]);
        Assert.Equal("{transition}", units["tessera.fault.transitions"]);
        Assert.Equal("{entity}", units["tessera.gc.exports"]);
        Assert.Equal("{proxy}", units["tessera.gc.proxies"]);
        Assert.Equal("{variable}", units["tessera.gc.variable_exports"]);
        Assert.Equal("{proxy}", units["tessera.gc.variable_proxies"]);
    }

    [Fact]
    public async Task A_site_that_fails_to_listen_is_not_reported_by_the_gauges()
    {
        await using var taken = await Site.StartAsync();
        using var recorder = new MeasurementRecorder();
        recorder.Observe();
        var before = recorder.Tags("tessera.gc.exports", "site");

        await Assert.ThrowsAnyAsync<Exception>(() => Site.StartAsync(new SiteOptions { ListenAddress = taken.Address }));

        recorder.Observe();
        Assert.Equal(before, recorder.Tags("tessera.gc.exports", "site"));
        Assert.Equal(before, recorder.Tags("tessera.gc.variable_proxies", "site"));
        Assert.Contains(taken.Identity.ToString(), before);
    }

    [Fact]
    public async Task Calls_are_counted_and_timed_by_protocol_and_outcome_at_the_caller()
    {
        await using var sites = await GreeterSites.StartAsync();
        var sequencer = await sites.SequencerAsync();
        using var recorder = new MeasurementRecorder();
        var here = ("site", sites.Caller.Identity.ToString());

        sites.Greeter.Greet("a");
        sites.Greeter.Greet("b");
        Assert.Throws<RemoteException>(() => sites.Greeter.Fail("on purpose"));
        Assert.Equal(5, await sequencer.Add(2, 3));
        await Assert.ThrowsAsync<RemoteException>(async () => await sequencer.Divide(1, 0));
        sequencer.Note(1);
        Assert.Equal(1, await sequencer.Count());

        await Poll.UntilAsync(() => recorder.Sum("tessera.calls", here) == 7);
        Assert.Equal(2, recorder.Sum("tessera.calls", here, ("protocol", "stationary"), ("outcome", "ok")));
        Assert.Equal(1, recorder.Sum("tessera.calls", here, ("protocol", "stationary"), ("outcome", "remote_exception")));
        Assert.Equal(3, recorder.Sum("tessera.calls", here, ("protocol", "async"), ("outcome", "ok")));
        Assert.Equal(1, recorder.Sum("tessera.calls", here, ("protocol", "async"), ("outcome", "remote_exception")));
        // A one-way call has no reply to wait for, so no duration: six of the seven calls are timed.
        await Poll.UntilAsync(() => recorder.Count("tessera.call.duration", here) == 6);
        Assert.InRange(recorder.Sum("tessera.call.duration", here), 0, 60);
        Assert.Equal(0, recorder.Count("tessera.calls", ("site", sites.Home.Identity.ToString())));
    }

    [Fact]
    public async Task A_call_past_its_deadline_counts_as_a_timeout()
    {
        await using var sites = await GreeterSites.StartAsync(callTimeout: TimeSpan.FromMilliseconds(200));
        using var recorder = new MeasurementRecorder();

        await Assert.ThrowsAsync<CallTimeoutException>(() => sites.Greeter.HangAsync(CancellationToken.None));

        Assert.Equal(1, recorder.Sum("tessera.calls", ("site", sites.Caller.Identity.ToString()), ("outcome", "timeout")));
    }

    [Fact]
    public async Task Messages_are_counted_by_kind_and_site_as_the_site_counters_count_them()
    {
        await using var sites = await GreeterSites.StartAsync();
        using var recorder = new MeasurementRecorder();

        sites.Greeter.Greet("a");
        sites.Greeter.Greet("b");

        var here = ("site", sites.Caller.Identity.ToString());
        Assert.Equal(2, recorder.Sum("tessera.messages.sent", here, ("kind", "Call")));
        await Poll.UntilAsync(() => recorder.Sum("tessera.messages.received", here, ("kind", "Reply")) == 2);
        Assert.Equal(sites.Caller.Counters.Sent(MessageKind.Call), recorder.Sum("tessera.messages.sent", here, ("kind", "Call")));
        Assert.Equal(2, recorder.Sum("tessera.messages.received", ("site", sites.Home.Identity.ToString()), ("kind", "Call")));
    }

    [Fact]
    public async Task Each_move_of_a_cached_state_is_one_move_where_it_arrives()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var away = await harness.StartSiteAsync();
        var counter = Counter.Create();
        var remote = await Counter.TakeAsync(away, counter.Offer(home));
        using var recorder = new MeasurementRecorder();

        remote.Increment();
        remote.Increment();
        counter.Increment();

        Assert.Equal(1, recorder.Sum("tessera.cached.moves", ("site", away.Identity.ToString())));
        Assert.Equal(1, recorder.Sum("tessera.cached.moves", ("site", home.Identity.ToString())));
    }

    [Fact]
    public async Task Dataflow_binds_are_counted_by_outcome()
    {
        using var recorder = new MeasurementRecorder();
        var bound = new Dataflow<int>();
        var failed = new Dataflow<int>();
        var before = (Value: recorder.Sum("tessera.dataflow.binds", ("outcome", "value")), Fault: recorder.Sum("tessera.dataflow.binds", ("outcome", "fault")));

        bound.Bind(1);
        bound.Bind(1);
        Assert.False(bound.TryBind(2));
        failed.Fail(new InvalidOperationException("on purpose"));
        await new Dataflow<int>().BindAsync(3);

        // Binding again to the same value changes nothing, so it is not another bind.
        Assert.Equal(before.Value + 2, recorder.Sum("tessera.dataflow.binds", ("outcome", "value")));
        Assert.Equal(before.Fault + 1, recorder.Sum("tessera.dataflow.binds", ("outcome", "fault")));
    }

    [Fact]
    public void Fault_transitions_are_counted_by_the_state_entered()
    {
        using var recorder = new MeasurementRecorder();

        TesseraMetrics.FaultTransition(nameof(FaultState.TempFail));
        TesseraMetrics.FaultTransition(nameof(FaultState.Ok));

        Assert.Equal(1, recorder.Sum("tessera.fault.transitions", ("state", "TempFail")));
        Assert.Equal(1, recorder.Sum("tessera.fault.transitions", ("state", "Ok")));
    }
}
