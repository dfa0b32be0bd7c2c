using System.Diagnostics.Metrics;
using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>Collection across chains of sites, under load, for [Cached] objects, and as seen through the metrics.</summary>
public sealed class GcScenarioTests
{
    [Fact]
    public async Task A_reference_passed_three_thousand_times_along_a_ring_of_six_sites_is_freed_only_at_the_end()
    {
        const int Hops = 3000;
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var ring = new List<Relay>();
        for (var i = 0; i < 6; i++) ring.Add(await Relay.TakeAsync(home, new Relay().Offer(await GcSites.StartAsync(harness))));
        var echo = new Echo();
        await ring[0].HoldAsync(0, echo);

        for (var hop = 0; hop < Hops; hop++) await ring[hop % ring.Count].PassAsync(0, ring[(hop + 1) % ring.Count]);

        var last = ring[Hops % ring.Count];
        Assert.Equal(1, await last.UseAsync(0));
        Assert.Equal(1, home.ExportedCount);
        await last.DropAsync(0);
        await Poll.UntilAsync(() => home.ExportedCount == 0);
    }

    [Fact]
    public async Task Stationary_calls_keep_working_during_heavy_proxy_churn()
    {
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var client = await GcSites.StartAsync(harness);
        var factory = await GreeterFactory.TakeAsync(client, new GreeterFactory().OfferUnlimited(home));
        var echo = await Echo.TakeAsync(client, new Echo().OfferUnlimited(home));
        var baseline = home.ExportedCount;
        using var churning = new CancellationTokenSource();

        var churn = Task.Run(() =>
        {
            var made = 0;
            while (!churning.IsCancellationRequested)
            {
                Collect.MakeAndDrop(factory, 200);
                made += 200;
                GC.Collect();
            }
            return made;
        });
        var calls = 0;
        while (calls < 2000)
        {
            Assert.Equal(++calls, await echo.PingAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        }
        churning.Cancel();
        var made = await churn;

        Assert.True(made >= 200, $"only {made} proxies churned during the calls");
        await GcSites.ExportsSettleAsync(home, baseline);
    }

    [Fact]
    public async Task A_cached_object_becomes_local_again_once_its_state_is_home_and_every_reference_is_released()
    {
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var other = await GcSites.StartAsync(harness);
        var counter = Counter.Create();
        var remote = await Counter.TakeAsync(other, counter.Offer(home));
        Assert.Equal(1, remote.Increment());

        Assert.Throws<InvalidOperationException>(() => RemoteReference.Release(remote));
        Assert.Equal(2, counter.Increment());
        Assert.True(RemoteReference.Release(remote));

        // A released reference can no longer ask for the state: it would draw it to a site whose weight went home.
        Assert.Throws<ReferenceReleasedException>(() => remote.Increment());
        await Poll.UntilAsync(() => home.ExportedCount == 0);
        Assert.Equal(3, counter.Increment());
        var again = await Counter.TakeAsync(other, counter.Offer(home));
        Assert.Equal(4, again.Increment());
        Assert.Equal(5, counter.Increment());
    }

    [Fact]
    public async Task The_meter_publishes_each_sites_exports_and_proxies_of_objects_and_variables()
    {
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var holder = await GcSites.StartAsync(harness);
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));
        var relay = await VariableRelay.TakeAsync(home, new VariableRelay().Offer(holder));
        await relay.HoldAsync(1, new Dataflow<int>());
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.VariableRegister) == 1);
        var seen = new Dictionary<(string Instrument, string Site), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TesseraMetrics.MeterName && instrument.Name.StartsWith("tessera.gc.", StringComparison.Ordinal)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "site") seen[(instrument.Name, (string)tag.Value!)] = value;
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(1, seen[("tessera.gc.exports", home.Identity.ToString())]);
        Assert.Equal(1, seen[("tessera.gc.proxies", holder.Identity.ToString())]);
        Assert.Equal(1, seen[("tessera.gc.proxies", home.Identity.ToString())]);
        Assert.Equal(1, seen[("tessera.gc.variable_exports", home.Identity.ToString())]);
        Assert.Equal(1, seen[("tessera.gc.variable_proxies", holder.Identity.ToString())]);
        Assert.Equal(0, seen[("tessera.gc.variable_proxies", home.Identity.ToString())]);
        Assert.Equal(home.ExportedVariableCount, seen[("tessera.gc.variable_exports", home.Identity.ToString())]);
        GC.KeepAlive(greeter);
        GC.KeepAlive(relay);
    }
}
