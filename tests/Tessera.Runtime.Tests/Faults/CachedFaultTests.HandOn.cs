using Tessera.Infrastructure;
using Tessera.Protocols.Migratory;
using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.FaultHandling;

/// <summary>
/// A site whose waiting call gave up gets the state after the FORWARD to the next requester came: it hands the state
/// on as it arrives. That token must be kept like any other, to be sent again or rerouted.
/// </summary>
public sealed partial class CachedFaultTests
{
    [Fact]
    public async Task A_state_handed_on_as_it_arrives_is_sent_again_when_its_connection_drops()
    {
        await using var harness = new SiteHarness();
        var cutters = new List<ConnectionCutter>();
        var (home, counter, ticket) = await ShareAsync(harness, Transient);
        var siteA = await StartAsync(harness, faults: Transient, wrap: t => Cutter(cutters, t));
        var (_, _, atB, gate, held) = await ForwardedWithNobodyWaitingAsync(harness, home, counter, ticket, siteA, Transient);
        cutters[0].CutNext(MessageKind.Token);

        Gates.Release(gate);
        await held.WaitAsync(Patient);

        Assert.Equal(Enumerable.Range(1, 5), await Task.WhenAll(atB).WaitAsync(Patient + Patient));
        Assert.Equal(1, cutters[0].Cuts);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task A_state_handed_on_as_it_arrives_is_not_lost_when_the_next_site_dies_before_it_left(bool releasedAtA, bool homeCallsFirst)
    {
        await using var harness = new SiteHarness();
        var (home, counter, ticket) = await ShareAsync(harness, Unhurried);
        var siteA = await StartAsync(harness, faults: Unhurried);
        var (siteB, atB, key, hopAtA) = await StrandedAtAAsync(harness, home, counter, ticket, siteA, releasedAtA);

        home.Health.Fail(siteB.Identity, "the test's verdict");

        // The state never left A, so it is not lost: the chain goes on from A or, once nothing at A can hold it, from
        // home. Home's call comes during the repair, or a new site asks once the repair is over; either way both go on.
        var c = await Counter.TakeAsync(await StartAsync(harness, faults: Unhurried), ticket);
        if (!homeCallsFirst) await Poll.UntilAsync(() => !((ICachedObject)counter).TesseraState.Manager!.Repairing);
        // The token a released A sent home still says how far the state had got at A, for a repair that asks A meanwhile.
        if (releasedAtA && !homeCallsFirst) Assert.Equal(hopAtA, await home.Migratory.Inquiries.QueryLastHopAsync(new Requester(siteA.Identity, siteA.EndpointHints, 0), key).WaitAsync(Patient));
        Func<int> first = homeCallsFirst ? counter.Increment : c.Increment, second = homeCallsFirst ? c.Increment : counter.Increment;
        Assert.Equal(1, await Task.Run(first).WaitAsync(Patient));
        Assert.Equal(2, await Task.Run(second).WaitAsync(Patient));
        Assert.Equal(3, await Task.Run(first).WaitAsync(Patient));
        Assert.Equal(1, siteA.Counters.Sent(MessageKind.Token));
        foreach (var call in atB) Assert.Equal(FaultState.PermFail, (await Assert.ThrowsAsync<EntityFaultException>(() => call.WaitAsync(Patient))).State);
    }

    [Fact]
    public async Task A_holder_that_released_its_reference_after_handing_the_state_on_still_says_how_far_the_state_got()
    {
        await using var harness = new SiteHarness();
        var (home, _, ticket) = await ShareAsync(harness, Steady);
        var (siteA, siteB) = (await StartAsync(harness, faults: Steady), await StartAsync(harness, faults: Steady));
        var (a, b) = (await Counter.TakeAsync(siteA, ticket), await Counter.TakeAsync(siteB, ticket));
        Assert.Equal(1, await Task.Run(() => a.Increment()).WaitAsync(Patient));
        Assert.Equal(2, await Task.Run(() => b.Increment()).WaitAsync(Patient));
        var heldAtA = ((ICachedObject)a).TesseraState;
        var (key, lastHop) = (heldAtA.Key, heldAtA.LastHop);
        RemoteReference.Release(a);

        // What the manager asks, after a site dies, to learn whether the state got past it.
        var answer = await home.Migratory.Inquiries.QueryLastHopAsync(new Requester(siteA.Identity, siteA.EndpointHints, 0), key).WaitAsync(Patient);

        Assert.True(lastHop > 0);
        Assert.Equal(lastHop, answer);
    }

    /// <summary>
    /// B dies before A, which got the state with nobody there waiting, could hand it on: the state is stranded at A, whose
    /// reference is released if <paramref name="release"/>. Returns B, B's waiting calls, the object's key and A's hop.
    /// </summary>
    private static async Task<(Site SiteB, List<Task<int>> AtB, ulong Key, long HopAtA)> StrandedAtAAsync(
        SiteHarness harness, Site home, Counter counter, string ticket, Site siteA, bool release)
    {
        var (a, siteB, atB, gate, held) = await ForwardedWithNobodyWaitingAsync(harness, home, counter, ticket, siteA, Steady);
        Assert.True(harness.Network.KillTransport(siteB.Address));
        Gates.Release(gate);
        await held.WaitAsync(Patient);
        // A message is counted before it is handled: the token is handed on once A's outbox holds it.
        var atA = ((ICachedObject)a).TesseraState;
        await Poll.UntilAsync(() => siteA.Migratory.Outbox.Find(new ParcelKey(home.Identity, atA.Key, MessageKind.Token)) is not null);
        Assert.Equal(0, siteA.Counters.Sent(MessageKind.Token));
        var hop = atA.LastHop;
        // A handed the state on as it came, so nothing there holds or awaits it: its reference may go.
        if (release) RemoteReference.Release(a);
        return (siteB, atB, atA.Key, hop);
    }

    /// <summary>
    /// Home holds the state until the returned gate opens. A call on <paramref name="siteA"/> asks for it, B's calls
    /// queue after A's request, and once the FORWARD to B has reached A, A's call gives up: nobody at A waits when
    /// the state comes.
    /// </summary>
    private static async Task<(Counter A, Site SiteB, List<Task<int>> AtB, string Gate, Task Held)> ForwardedWithNobodyWaitingAsync(
        SiteHarness harness, Site home, Counter counter, string ticket, Site siteA, FaultOptions faults)
    {
        var siteB = await StartAsync(harness, faults: faults);
        var (a, b) = (await Counter.TakeAsync(siteA, ticket), await Counter.TakeAsync(siteB, ticket));
        var gate = Gates.New();
        var held = counter.HoldAsync(gate);
        await Gates.EnteredAsync(gate).WaitAsync(Patient);
        using var giveUp = new CancellationTokenSource();
        var atA = a.IncrementAsync(giveUp.Token);
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 1);
        var atB = await QueueIncrementsAsync(home, b, 2);
        await Poll.UntilAsync(() => siteA.Counters.Received(MessageKind.Forward) == 1);
        giveUp.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => atA.WaitAsync(Patient));
        return (a, siteB, atB, gate, held);
    }
}
