using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>Weighted reference counting between in-memory sites: objects become local again exactly when nobody refers to them.</summary>
public sealed class GcTests
{
    [Fact]
    public async Task A_released_proxy_returns_its_weight_and_the_home_lets_the_object_go()
    {
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var holder = await GcSites.StartAsync(harness);
        var greeter = await Greeter.TakeAsync(holder, new Greeter().Offer(home));
        Assert.Equal(1, home.ExportedCount);
        Assert.Equal(1, holder.ProxyCount);

        Assert.True(RemoteReference.Release(greeter));

        await Poll.UntilAsync(() => home.ExportedCount == 0);
        Assert.Equal(0, holder.ProxyCount);
        Assert.Equal(1, home.Counters.Received(MessageKind.WeightReturn));
        Assert.False(RemoteReference.Release(greeter));
        Assert.Throws<ReferenceReleasedException>(() => greeter.Greet("again"));
    }

    [Fact]
    public async Task A_collected_proxy_returns_its_weight_through_its_finalizer()
    {
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var holder = await GcSites.StartAsync(harness);
        var factory = await GreeterFactory.TakeAsync(holder, new GreeterFactory().OfferUnlimited(home));

        Collect.MakeAndDrop(factory, 100);

        await GcSites.ExportsSettleAsync(home, expected: 1);
        await Poll.UntilAsync(() => holder.ProxyCount == 1);
        // The factory's proxy is the one that must stay: unused after the calls, it would otherwise be collected too.
        GC.KeepAlive(factory);
    }

    [Fact]
    public async Task A_reference_passed_on_and_dropped_by_the_sender_keeps_working_at_the_receiver()
    {
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var b = await GcSites.StartAsync(harness);
        var c = await GcSites.StartAsync(harness);
        var echo = new Echo();
        var atB = await Relay.TakeAsync(home, new Relay().Offer(b));
        var atC = await Relay.TakeAsync(home, new Relay().Offer(c));
        await atB.HoldAsync(1, echo);

        await atB.PassAsync(1, atC);
        // B's proxy for C's relay is garbage once the pass is done, and the CLR may collect it at any moment;
        // collecting it here takes that timing out of the test, and checks that its weight going back to C
        // does not cost C the relay.
        await Poll.UntilAsync(() =>
        {
            Collect.Garbage();
            return b.ProxyCount == 0;
        });
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.WeightReturn) == 1);

        Assert.Equal(1, await atC.UseAsync(1));
        Assert.Equal(1, home.ExportedCount);
        await atC.DropAsync(1);
        await Poll.UntilAsync(() => home.ExportedCount == 0);
        Assert.Equal(1, echo.Pings());
    }

    [Fact]
    public async Task A_one_shot_ticket_keeps_its_object_until_taken_or_retracted()
    {
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var taker = await GcSites.StartAsync(harness);
        var retracted = new Greeter().Offer(home);
        var taken = new Greeter().Offer(home);
        Collect.Garbage();
        Assert.Equal(2, home.ExportedCount);

        Assert.True(home.Retract(retracted));
        Assert.Equal(1, home.ExportedCount);
        var greeter = await Greeter.TakeAsync(taker, taken);
        Assert.Equal(1, home.ExportedCount);
        RemoteReference.Release(greeter);

        await Poll.UntilAsync(() => home.ExportedCount == 0);
    }

    [Fact]
    public async Task A_many_shot_ticket_keeps_its_object_until_retracted()
    {
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var taker = await GcSites.StartAsync(harness);
        var ticket = new Greeter().OfferUnlimited(home);

        for (var i = 0; i < 3; i++)
        {
            var greeter = await Greeter.TakeAsync(taker, ticket);
            Assert.Equal("hello again", greeter.Greet("again"));
            RemoteReference.Release(greeter);
            await Poll.UntilAsync(() => home.Counters.Received(MessageKind.WeightReturn) == i + 1);
            Assert.Equal(1, home.ExportedCount);
        }

        Assert.True(home.Retract(ticket));
        Assert.Equal(0, home.ExportedCount);
    }

    [Fact]
    public async Task A_reference_that_comes_home_is_the_original_and_brings_its_weight_back()
    {
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var other = await GcSites.StartAsync(harness);
        var original = new Echo();
        var atOther = await Relay.TakeAsync(home, new Relay().OfferUnlimited(other));
        await atOther.HoldAsync(1, original);
        Assert.Equal(1, home.ExportedCount);

        var back = await Echo.TakeAsync(home, original.Offer(home));
        Assert.Same(original, back);
        await atOther.DropAsync(1);

        await Poll.UntilAsync(() => home.ExportedCount == 0);
    }

    [Fact]
    public async Task A_released_proxy_cannot_be_sent()
    {
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var holder = await GcSites.StartAsync(harness);
        var echo = await Echo.TakeAsync(holder, new Echo().Offer(home));
        var atHome = await Relay.TakeAsync(holder, new Relay().Offer(home));
        RemoteReference.Release(echo);

        await Assert.ThrowsAsync<ReferenceReleasedException>(() => atHome.HoldAsync(1, echo));
        Assert.False(RemoteReference.Release(new Greeter()));
    }

    [Fact]
    public async Task Churn_of_ten_thousand_proxies_returns_the_export_table_to_its_baseline()
    {
        const int Proxies = 10_000;
        await using var harness = new SiteHarness();
        var home = await GcSites.StartAsync(harness);
        var client = await GcSites.StartAsync(harness);
        var factory = await GreeterFactory.TakeAsync(client, new GreeterFactory().OfferUnlimited(home));
        var baseline = home.ExportedCount;

        for (var i = 0; i < Proxies / 1000; i++) Collect.MakeAndDrop(factory, 1000);

        await GcSites.ExportsSettleAsync(home, baseline);
        await Poll.UntilAsync(() => client.ProxyCount == 1);
        Assert.True(home.Counters.Received(MessageKind.WeightReturn) < Proxies / 10, $"{home.Counters.Received(MessageKind.WeightReturn)} return messages for {Proxies} proxies: batching failed");
        GC.KeepAlive(factory);
    }

    [Fact]
    public async Task A_call_made_before_its_reference_is_released_still_finds_its_object()
    {
        await using var harness = new SiteHarness();
        // Each returned weight leaves at once, right behind the call on the same connection.
        var gc = new GcOptions { WeightReturnDelay = TimeSpan.FromMilliseconds(5), MaxEntitiesPerMessage = 1 };
        var home = await GcSites.StartAsync(harness, gc: gc);
        var caller = await GcSites.StartAsync(harness, gc: gc);
        var factory = await GreeterFactory.TakeAsync(caller, new GreeterFactory().OfferUnlimited(home));

        for (var i = 0; i < 100; i++)
        {
            var greeter = factory.Make();
            var greeting = greeter.GreetAsync("before");
            RemoteReference.Release(greeter);
            // Home used to look the object up on a pool thread, after the reader had applied the weight return.
            Assert.Equal("hello before", await greeting.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }
}
