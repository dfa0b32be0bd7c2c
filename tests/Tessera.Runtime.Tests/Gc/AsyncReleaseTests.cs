using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;
using ReferenceRelay = Tessera.Runtime.Tests.Sites.Relay;

namespace Tessera.Runtime.Tests.Gc;

/// <summary><see cref="RemoteReference.Release"/> on an <c>[Async]</c> reference (<c>T.Ref</c>) ends the proxy behind it.</summary>
public sealed class AsyncReleaseTests
{
    [Fact]
    public async Task Releasing_an_async_reference_returns_its_weight_and_the_home_lets_the_object_go()
    {
        await using var harness = new SiteHarness();
        var (home, holder, sequencer) = await TakeSequencerAsync(harness);
        Assert.Equal(1, home.ExportedCount);
        Assert.True(RemoteReference.IsRemote(sequencer));

        Assert.True(RemoteReference.Release(sequencer));

        await Poll.UntilAsync(() => home.ExportedCount == 0);
        Assert.Equal(0, holder.ProxyCount);
        Assert.Equal(1, home.Counters.Received(MessageKind.WeightReturn));
        Assert.False(RemoteReference.Release(sequencer));
    }

    [Fact]
    public async Task A_call_through_a_released_async_reference_fails_its_variable_and_sends_nothing()
    {
        await using var harness = new SiteHarness();
        var (_, holder, sequencer) = await TakeSequencerAsync(harness);
        RemoteReference.Release(sequencer);

        var sum = sequencer.Add(1, 2);

        var refused = Assert.Throws<ReferenceReleasedException>(() => sum.GetValue(TimeSpan.FromSeconds(5)));
        Assert.Contains(nameof(Sequencer), refused.Message);
        Assert.Throws<ReferenceReleasedException>(() => sequencer.Note(1));
        Assert.Equal(0, holder.Counters.Sent(MessageKind.AsyncCall));
    }

    [Fact]
    public async Task A_released_async_reference_cannot_be_sent_to_another_site()
    {
        await using var harness = new SiteHarness();
        var (_, holder, sequencer) = await TakeSequencerAsync(harness);
        var relaySite = await GcSites.StartAsync(harness);
        var relay = await ReferenceRelay.TakeAsync(holder, new ReferenceRelay().Offer(relaySite));
        RemoteReference.Release(sequencer);

        Assert.Throws<ReferenceReleasedException>(() => relay.AddThrough(sequencer, 1, 2));
    }

    [Fact]
    public async Task Calls_made_before_the_release_still_run_and_answer()
    {
        await using var harness = new SiteHarness();
        var (home, holder, sequencer) = await TakeSequencerAsync(harness);

        var sums = Enumerable.Range(0, 200).Select(i => sequencer.Add(i, 1)).ToArray();
        Assert.True(RemoteReference.Release(sequencer));

        for (var i = 0; i < sums.Length; i++) Assert.Equal(i + 1, sums[i].GetValue(TimeSpan.FromSeconds(10)));
        await Poll.UntilAsync(() => home.ExportedCount == 0);
    }

    [Fact]
    public void A_local_async_reference_is_not_remote_and_releases_nothing()
    {
        var sequencer = Sequencer.Create();

        Assert.False(RemoteReference.IsRemote(sequencer));
        Assert.False(RemoteReference.Release(sequencer));
        Assert.Equal(3, sequencer.Add(1, 2).GetValue(TimeSpan.FromSeconds(5)));
    }

    private static async Task<(Site Home, Site Holder, Sequencer.Ref Sequencer)> TakeSequencerAsync(SiteHarness harness)
    {
        var home = await GcSites.StartAsync(harness);
        var holder = await GcSites.StartAsync(harness);
        return (home, holder, await Sequencer.TakeAsync(holder, Sequencer.Create().Offer(home)));
    }
}
