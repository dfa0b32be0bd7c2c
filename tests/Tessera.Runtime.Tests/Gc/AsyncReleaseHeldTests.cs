using Tessera.Runtime.Tests.FaultHandling;
using Tessera.Runtime.Tests.Sites;
using Tessera.Transport;
using Xunit;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>An <c>[Async]</c> reference released while calls made through it are held for its home in TempFail.</summary>
public sealed class AsyncReleaseHeldTests
{
    [Fact]
    public async Task Calls_held_for_a_TempFail_home_before_the_release_still_run_and_answer()
    {
        await using var harness = new SiteHarness();
        // Long enough a grace that the cut home stays TempFail, not PermFail, while the test works through it.
        var patient = FaultSites.Fast with { PermFailGrace = TimeSpan.FromSeconds(20) };
        var home = await Start(harness, patient);
        var caller = await Start(harness, patient);
        var sequencer = Sequencer.Create();
        var remote = await Sequencer.TakeAsync(caller, sequencer.Offer(home));
        Assert.Equal(0, await remote.Count().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        caller.Connections.Abort(home.Identity, new InvalidOperationException("cut by the test"));
        await Poll.UntilAsync(() => caller.Health.StateOf(home.Identity) == FaultState.TempFail && !caller.Connections.IsEstablished(home.Identity));

        var held = Enumerable.Range(1, 200).Select(remote.Record).ToArray();
        Assert.True(RemoteReference.Release(remote));
        await caller.Connections.GetAsync(home.Identity, home.EndpointHints, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        // The documented promise: calls made before the release still run and answer.
        foreach (var reply in held) await reply.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => home.ExportedCount == 0);
    }

    [Fact]
    public async Task A_site_that_stops_with_calls_held_still_sends_home_the_weight_of_a_proxy_released_behind_them()
    {
        await using var harness = new SiteHarness();
        var patient = FaultSites.Fast with { PermFailGrace = TimeSpan.FromSeconds(20) };
        var home = await Start(harness, patient);
        var caller = await Start(harness, patient);
        var remote = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        Assert.Equal(0, await remote.Count().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        caller.Connections.Abort(home.Identity, new InvalidOperationException("cut by the test"));
        await Poll.UntilAsync(() => caller.Health.StateOf(home.Identity) == FaultState.TempFail && !caller.Connections.IsEstablished(home.Identity));
        var held = Enumerable.Range(1, 5).Select(remote.Record).ToArray();
        Assert.True(RemoteReference.Release(remote));

        // A clean stop sends the weight still waiting (GarbageCollector.StopAsync): the held calls fail unsent, so nothing
        // stands between the weight and home any more, and home need not wait out a lease (200 s) to drop the object.
        await caller.StopAsync();

        foreach (var reply in held) await Assert.ThrowsAnyAsync<Exception>(() => reply.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        await Poll.UntilAsync(() => home.ExportedCount == 0, TimeSpan.FromSeconds(5));
    }

    // A short send queue makes the held calls go out over a while, as over a slow link, instead of in one burst.
    private static Task<Site> Start(SiteHarness harness, FaultOptions faults)
        => harness.StartSiteAsync(TimeSpan.FromSeconds(20), transportOptions: new TransportOptions { SendQueueCapacity = 4 }, configure: options => options with { Faults = faults, Gc = GcSites.Fast });
}
