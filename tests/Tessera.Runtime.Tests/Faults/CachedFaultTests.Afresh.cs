using System.Runtime.CompilerServices;
using Tessera.Infrastructure;
using Tessera.Protocols.Migratory;
using Tessera.Runtime.Tests.Gc;
using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.FaultHandling;

/// <summary>How the first proxy at a site ended before the site took the object again.</summary>
public enum ProxyEnd
{
    Released,
    Collected,
}

/// <summary>
/// A site whose [Cached] proxy ended after the state moved on, released or collected by the CLR, and which takes the
/// object again: the fresh proxy must know how far the one before it got.
/// </summary>
public sealed partial class CachedFaultTests
{
    [Theory]
    [InlineData(ProxyEnd.Released)]
    [InlineData(ProxyEnd.Collected)]
    public async Task A_proxy_made_afresh_gets_the_state_from_an_idle_holder(ProxyEnd end)
    {
        await using var harness = new SiteHarness();
        var (_, counter, ticket) = await ShareAsync(harness);
        var siteA = await StartAsync(harness, callTimeout: TimeSpan.FromSeconds(3));
        var first = new StrongBox<Counter?>();
        Assert.Equal(1, await IncrementThroughAFirstProxyAsync(siteA, ticket, end, first));
        // Home asks as the holder since hop 0, so the manager still counts A's request (hop 1) as not known to be served.
        Assert.Equal(2, await Task.Run(counter.Increment).WaitAsync(Patient));
        await EndAsync(siteA, end, first);

        var again = await Counter.TakeAsync(siteA, ticket);

        // The fresh proxy's GET used to say "never had it", which the manager took for A's first GET sent again, and ignored.
        Assert.Equal(3, await Task.Run(() => again.Increment()).WaitAsync(Patient));
    }

    [Theory]
    [InlineData(ProxyEnd.Released)]
    [InlineData(ProxyEnd.Collected)]
    public async Task A_fresh_proxy_awaiting_the_state_does_not_void_the_forward_its_predecessor_acted_on(ProxyEnd end)
    {
        await using var harness = new SiteHarness();
        var (home, _, ticket) = await ShareAsync(harness, Unhurried);
        var siteA = await StartAsync(harness, callTimeout: TimeSpan.FromSeconds(5), faults: Unhurried);
        var siteB = await StartAsync(harness, faults: Unhurried);
        var first = new StrongBox<Counter?>();
        Assert.Equal(1, await IncrementThroughAFirstProxyAsync(siteA, ticket, end, first));
        var b = await Counter.TakeAsync(siteB, ticket);
        Assert.Equal(2, await Task.Run(() => b.Increment()).WaitAsync(Patient));
        await EndAsync(siteA, end, first);
        var again = await Counter.TakeAsync(siteA, ticket);
        Assert.True(harness.Network.KillTransport(siteB.Address));
        var waiting = Task.Run(() => again.IncrementAsync());
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 3, Patient);

        home.Health.Fail(siteB.Identity, "the test's verdict");

        // B held the only copy. Asked to skip B, the fresh proxy at A used to void the forward to B that the one before
        // had acted on, since it awaited the state itself: the state was then A's to hand on, and A's call waited for it.
        var error = await Assert.ThrowsAsync<EntityFaultException>(() => waiting.WaitAsync(Patient));
        Assert.Equal(FaultState.PermFail, error.State);
    }

    [Fact]
    public async Task A_proxy_made_afresh_after_an_unused_one_was_collected_gets_the_state_from_an_idle_holder()
    {
        await using var harness = new SiteHarness();
        var (_, counter, ticket) = await ShareAsync(harness);
        var siteA = await StartAsync(harness, callTimeout: TimeSpan.FromSeconds(3));
        var first = new StrongBox<Counter?>();
        Assert.Equal(1, await IncrementThroughAFirstProxyAsync(siteA, ticket, ProxyEnd.Collected, first));
        Assert.Equal(2, await Task.Run(counter.Increment).WaitAsync(Patient));
        await EndAsync(siteA, ProxyEnd.Collected, first);
        // Made afresh, this one used to take what the site remembered of the first, and, never used, never gave it back.
        await TakeWithoutUsingAsync(siteA, ticket);
        await EndAsync(siteA, ProxyEnd.Collected, first);

        var again = await Counter.TakeAsync(siteA, ticket);

        Assert.Equal(3, await Task.Run(() => again.Increment()).WaitAsync(Patient));
    }

    [Fact]
    public async Task A_site_whose_proxy_was_collected_still_says_how_far_the_state_got_there()
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness, Steady);
        var siteA = await StartAsync(harness, faults: Steady);
        Assert.Equal(1, await IncrementThroughAFirstProxyAsync(siteA, ticket, ProxyEnd.Collected, new StrongBox<Counter?>()));
        Assert.Equal(2, await Task.Run(counter.Increment).WaitAsync(Patient));
        var key = ((ICachedObject)counter).TesseraState.Key;
        // The token A sent home answers for A while it stays in A's outbox: settled once home echoed a heartbeat sent after
        // it, and dropped then, as the outbox's sweep does once enough parcels pile up.
        var token = new ParcelKey(home.Identity, key, MessageKind.Token);
        await Poll.UntilAsync(() => siteA.Migratory.Outbox.Find(token) is not { Settled: false }, Patient);
        siteA.Migratory.Outbox.Forget(token);
        await EndAsync(siteA, ProxyEnd.Collected, new StrongBox<Counter?>());

        var answer = await home.Migratory.Inquiries.QueryLastHopAsync(new Requester(siteA.Identity, siteA.EndpointHints, 0), key).WaitAsync(Patient);

        // With no proxy left there, A used to answer "never had it" (-1).
        Assert.Equal(1, answer);
    }

    /// <summary>
    /// Takes the object at <paramref name="site"/> and calls it once, drawing the state there. The proxy is kept in
    /// <paramref name="kept"/> only if it is to be released; otherwise nothing refers to it once this returns.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> IncrementThroughAFirstProxyAsync(Site site, string ticket, ProxyEnd end, StrongBox<Counter?> kept)
    {
        var proxy = await Counter.TakeAsync(site, ticket);
        if (end == ProxyEnd.Released) kept.Value = proxy;
        return await Task.Run(() => proxy.Increment()).WaitAsync(Patient);
    }

    /// <summary>Ends the first proxy once the state has left it: released, or collected (waiting until the site holds no proxy).</summary>
    private static async Task EndAsync(Site site, ProxyEnd end, StrongBox<Counter?> kept)
    {
        if (end == ProxyEnd.Released)
        {
            Assert.True(RemoteReference.Release(kept.Value!));
            return;
        }
        using var deadline = new CancellationTokenSource(Patient);
        while (site.ProxyCount != 0)
        {
            Assert.False(deadline.IsCancellationRequested, $"{site.ProxyCount} proxies at {site.Identity} were not collected.");
            Collect.Garbage();
            await Task.Delay(10);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task TakeWithoutUsingAsync(Site site, string ticket) => Assert.NotNull(await Counter.TakeAsync(site, ticket));
}
