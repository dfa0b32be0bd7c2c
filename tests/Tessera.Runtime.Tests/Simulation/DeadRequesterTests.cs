using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;
using Xunit.Abstractions;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Found by the simulation (seed 919): a site asks for a [Cached] object's state and dies before its GET arrives
/// (here its GET waits in a cut link, as it would in a dead process's socket buffer, and arrives after the crash).
/// The manager places it last in the chain; the holder, the home, cannot even connect to hand it the state, so the
/// state never leaves home. When the dead site becomes PermFail it must be skipped and the state kept for the
/// requester after it; the object must not be declared lost.
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class DeadRequesterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_requester_that_died_before_its_request_arrived_is_skipped_and_nothing_is_lost()
    {
        await using var harness = new SiteHarness();
        var log = new EventLog();
        log.Start();
        var links = new LinkTable(harness.Network, seed: 0);
        var sites = new List<Site>();
        for (var i = 0; i < 3; i++) sites.Add(await LinkedSites.StartAsync(harness, links, SimWorld.Detection, SimWorld.CallTimeout, new RuntimeLog(log, i)));
        var (home, doomed, other) = (sites[0], sites[1], sites[2]);
        var counter = SimCounter.Create($"dead-requester-{Guid.NewGuid():N}");
        var ticket = counter.OfferUnlimited(home);
        var atDoomed = await SimCounter.TakeAsync(doomed, ticket);
        var atOther = await SimCounter.TakeAsync(other, ticket);
        Assert.Equal(1, await counter.IncrementAsync(1));
        Assert.Equal(2, await atOther.IncrementAsync(2));
        Assert.Equal(3, await counter.IncrementAsync(3));

        var cut = links.Get(home.Address, doomed.Address);
        var requests = home.Counters.Received(MessageKind.Get);
        cut.Hold();
        // The doomed site's own call is a dead process's: whatever becomes of it is not judged.
        _ = atDoomed.IncrementAsync(4);
        await Task.Delay(50);
        harness.Network.KillTransport(doomed.Address);
        cut.Release();
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) > requests);
        log.Add("s1 killed; its GET, sent before, reached home after");
        var later = atOther.AppliedAsync();
        await Poll.UntilAsync(() => home.Health.StateOf(doomed.Identity) == FaultState.PermFail, TimeSpan.FromSeconds(5));
        log.Add("s1 is PermFail at home");

        var state = await Outcome(later);
        log.Add($"s2's read, queued behind the dead requester: {state}; states: home {Faults.StateOf(counter)}, s2 {Faults.StateOf(atOther)}");
        output.WriteLine(log.ToString());
        Assert.Equal("[1,2,3]", state);
        Assert.Equal(FaultState.Ok, Faults.StateOf(counter));
        Assert.Equal(FaultState.Ok, Faults.StateOf(atOther));
    }

    private static async Task<string> Outcome(Task<long[]> read)
    {
        try
        {
            return $"[{string.Join(",", await read.WaitAsync(TimeSpan.FromSeconds(5)))}]";
        }
        catch (Exception ex)
        {
            return OpOutcome.Describe(ex);
        }
    }
}
