using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;
using Xunit.Abstractions;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Found by the simulation (seeds 919 and 2682): sites ask for a [Cached] object's state and die before their GETs
/// arrive (here each GET waits in a cut link, as it would in a dead process's socket buffer, and arrives after the
/// crash). The manager places them last in the chain. What the holder then does decides what may happen:
/// <list type="bullet">
/// <item>It could not even queue the state for them (no connection): when they become PermFail they are skipped and
/// the live requester behind them gets the state. Nothing was lost, so nothing may be declared lost, and nothing may
/// wait forever.</item>
/// <item>It queued the state on a connection to one of them before it saw that connection close: the dead site may
/// have read it and shown results before it died, so the state is lost (docs/faults.md), and every live reference
/// must say so, PermFail, promptly.</item>
/// </list>
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class DeadRequesterTests(ITestOutputHelper output)
{
    /// <summary>Shorter than the PermFail grace (300 ms), so the holder has reacted to the GETs before anyone is skipped.</summary>
    private static readonly TimeSpan HolderReaction = TimeSpan.FromMilliseconds(100);

    [Theory]
    [InlineData(1, true)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(2, false)]
    public async Task Requesters_that_died_before_their_requests_arrived_are_skipped_unless_the_state_went_to_them(int dead, bool homeHolds)
    {
        await using var harness = new SiteHarness();
        var log = new EventLog();
        log.Start();
        var links = new LinkTable(harness.Network, seed: 0);
        var sites = new List<Site>();
        for (var i = 0; i < 2 + dead; i++) sites.Add(await LinkedSites.StartAsync(harness, links, SimWorld.Detection, SimWorld.CallTimeout, new RuntimeLog(log, i)));
        var (home, other, doomed) = (sites[0], sites[1], sites.Skip(2).ToList());
        var atHome = SimCounter.Create($"dead-requester-{Guid.NewGuid():N}");
        var ticket = atHome.OfferUnlimited(home);
        var atOther = await SimCounter.TakeAsync(other, ticket);
        var atDoomed = new List<SimCounter>();
        foreach (var site in doomed) atDoomed.Add(await SimCounter.TakeAsync(site, ticket));
        Assert.Equal(1, await atHome.IncrementAsync(1));
        Assert.Equal(2, await atOther.IncrementAsync(2));
        if (homeHolds) Assert.Equal(3, await atHome.IncrementAsync(3));
        var (holder, holderSite, reader) = homeHolds ? (atHome, home, atOther) : (atOther, other, atHome);

        var requests = home.Counters.Received(MessageKind.Get);
        foreach (var site in doomed) links.Get(home.Address, site.Address).Hold();
        // The doomed sites' own calls are a dead process's: whatever becomes of them is not judged.
        foreach (var counter in atDoomed) _ = counter.IncrementAsync(9);
        await Poll.UntilAsync(() => doomed.All(site => site.Counters.Sent(MessageKind.Get) > 0));
        // Sent means queued on the connection; the writer puts it into the (held) link a moment later.
        await Task.Delay(50);
        var tokensBefore = holderSite.Counters.Sent(MessageKind.Token);
        foreach (var site in doomed)
        {
            harness.Network.KillTransport(site.Address);
            links.Get(home.Address, site.Address).Release();
        }
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) >= requests + dead);
        await Task.Delay(HolderReaction);
        // Nobody but the doomed has asked for the state since the sample, so any token sent went towards them.
        var sentToTheDead = holderSite.Counters.Sent(MessageKind.Token) > tokensBefore;
        log.Add($"{dead} site(s) killed; their GETs, sent before, reached home after; {(homeHolds ? "home" : "s1")} holds the state and {(sentToTheDead ? "queued it for a dead site" : "could not send it")}");
        var read = reader.AppliedAsync();
        await Poll.UntilAsync(() => doomed.All(site => home.Health.StateOf(site.Identity) == FaultState.PermFail), TimeSpan.FromSeconds(5));
        log.Add("the dead are PermFail at home");

        // The read queued behind the dead may meet its own deadline while they are skipped; later reads may not.
        log.Add($"the read queued behind them: {await OutcomeAsync(read)}");
        var state = await OutcomeAsync(reader.AppliedAsync());
        for (var retry = 0; retry < 3 && state == nameof(StateWaitTimeoutException); retry++) state = await OutcomeAsync(reader.AppliedAsync());
        log.Add($"a read after that: {state}; states: holder {Faults.StateOf(holder)}, reader {Faults.StateOf(reader)}");
        output.WriteLine(log.ToString());

        // The holder that never talked to the doomed has no connection to queue anything on.
        if (!homeHolds) Assert.False(sentToTheDead);
        var expected = sentToTheDead ? FaultState.PermFail : FaultState.Ok;
        Assert.Equal(sentToTheDead ? "EntityFault(PermFail)" : homeHolds ? "[1,2,3]" : "[1,2]", state);
        Assert.Equal(expected, Faults.StateOf(holder));
        Assert.Equal(expected, Faults.StateOf(reader));
    }

    private static async Task<string> OutcomeAsync(Task<long[]> read)
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
