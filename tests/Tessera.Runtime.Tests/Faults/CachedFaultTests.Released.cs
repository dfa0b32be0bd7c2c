using Tessera.Infrastructure;
using Tessera.Protocols.Migratory;
using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.FaultHandling;

/// <summary>
/// A site whose reference was released, or released and taken again (a fresh proxy that knows nothing of the old one),
/// while the manager repairs a chain it is in.
/// </summary>
public sealed partial class CachedFaultTests
{
    [Fact]
    public async Task A_state_sent_home_by_a_released_holder_is_not_lost_when_the_answer_saying_so_is_lost()
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness, Unhurried);
        var cutters = new List<ConnectionCutter>();
        var siteA = await StartAsync(harness, faults: Unhurried, wrap: t => Cutter(cutters, t));
        var (siteB, _, _, _) = await StrandedAtAAsync(harness, home, counter, ticket, siteA, release: true);
        // A says no to keeping the state, then yes to sending it home: that second answer is lost with its connection.
        cutters[0].CutNext(MessageKind.StateRerouteReply, letPass: 1);

        home.Health.Fail(siteB.Identity, "the test's verdict");
        await Poll.UntilAsync(() => cutters[0].Cuts == 1, Patient);
        // Called once the repair is over: the state may reach home before the repair decides, and a call there would run.
        await Poll.UntilAsync(() => !((ICachedObject)counter).TesseraState.Manager!.Repairing, Patient + Patient);

        Assert.Equal(1, await Task.Run(counter.Increment).WaitAsync(Patient + Patient));
    }

    [Fact]
    public async Task A_fresh_proxy_at_the_predecessor_does_not_make_a_state_that_died_with_its_holder_skip_it()
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness, Unhurried);
        var (_, siteB, _, _) = await HeldByBWithAFreshProxyAtAAsync(harness, ticket, Unhurried);

        Assert.True(harness.Network.KillTransport(siteB.Address));
        home.Health.Fail(siteB.Identity, "the test's verdict");

        // B held the only copy: home's call says the state is lost instead of waiting for A, which has nothing.
        var error = await Assert.ThrowsAsync<EntityFaultException>(() => Task.Run(counter.Increment).WaitAsync(Patient + Patient));
        Assert.Equal(FaultState.PermFail, error.State);
    }

    [Fact]
    public async Task A_fresh_proxy_still_says_how_far_the_state_got_at_its_site()
    {
        await using var harness = new SiteHarness();
        var (home, _, ticket) = await ShareAsync(harness, Steady);
        var (siteA, _, key, hopAtA) = await HeldByBWithAFreshProxyAtAAsync(harness, ticket, Steady);

        var answer = await home.Migratory.Inquiries.QueryLastHopAsync(new Requester(siteA.Identity, siteA.EndpointHints, 0), key).WaitAsync(Patient);

        Assert.Equal(hopAtA, answer);
    }

    [Fact]
    public async Task A_call_on_a_released_reference_says_so_even_when_its_home_is_PermFail()
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness, Unhurried);
        var siteA = await StartAsync(harness, faults: Unhurried);
        var a = await Counter.TakeAsync(siteA, ticket);
        Assert.Equal(1, await Task.Run(() => a.Increment()).WaitAsync(Patient));
        Assert.Equal(2, await Task.Run(counter.Increment).WaitAsync(Patient));
        Assert.True(RemoteReference.Release(a));

        siteA.Health.Fail(home.Identity, "the test's verdict");

        // As a [Stationary] proxy does; it used to pass the fault gate first, and fail with the home's PermFail.
        await Assert.ThrowsAsync<ReferenceReleasedException>(() => Task.Run(() => a.IncrementAsync()).WaitAsync(Patient));
    }

    [Fact]
    public async Task What_a_site_remembers_of_released_objects_is_bounded_and_keeps_the_latest()
    {
        await using var harness = new SiteHarness();
        var site = await harness.StartSiteAsync();
        var home = new SiteIdentity(Guid.NewGuid(), 1);
        var released = MigratoryProtocol.MaxRememberedProgress + 100;

        for (var key = 1UL; key <= (ulong)released; key++) site.Migratory.Remember(home, key, new ProxyProgress((long)key, 0));

        var remembered = Enumerable.Range(1, released).Count(key => site.Migratory.Remembered(home, (ulong)key) != ProxyProgress.None);
        Assert.InRange(remembered, MigratoryProtocol.MaxRememberedProgress / 2, MigratoryProtocol.MaxRememberedProgress);
        var another = (ulong)released + 1;
        site.Migratory.Remember(home, another, new ProxyProgress(3, 2));
        site.Migratory.Remember(home, another, new ProxyProgress(1, 4));
        Assert.Equal(new ProxyProgress(3, 4), site.Migratory.Remembered(home, another));
    }

    /// <summary>
    /// A had the state, B asked and got it; then A's reference was released and the object taken again there, so A's
    /// proxy is a fresh one. Returns both sites, the object's key and the hop at which A last had the state.
    /// </summary>
    private static async Task<(Site SiteA, Site SiteB, ulong Key, long HopAtA)> HeldByBWithAFreshProxyAtAAsync(SiteHarness harness, string ticket, FaultOptions faults)
    {
        var (siteA, siteB) = (await StartAsync(harness, faults: faults), await StartAsync(harness, faults: faults));
        var (a, b) = (await Counter.TakeAsync(siteA, ticket), await Counter.TakeAsync(siteB, ticket));
        Assert.Equal(1, await Task.Run(() => a.Increment()).WaitAsync(Patient));
        Assert.Equal(2, await Task.Run(() => b.Increment()).WaitAsync(Patient));
        var (key, hopAtA) = (((ICachedObject)a).TesseraState.Key, ((ICachedObject)a).TesseraState.LastHop);
        RemoteReference.Release(a);
        Assert.NotSame(a, await Counter.TakeAsync(siteA, ticket));
        return (siteA, siteB, key, hopAtA);
    }
}
