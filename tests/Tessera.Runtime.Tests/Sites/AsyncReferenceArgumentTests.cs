using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>Takes and returns async references (<c>Sequencer.Ref</c>), which travel as references to the same object.</summary>
[Stationary]
public partial class Relay
{
    public virtual int AddThrough(Sequencer.Ref sequencer, int a, int b) => sequencer.Add(a, b);

    public virtual Sequencer.Ref? Echo(Sequencer.Ref? sequencer) => sequencer;
}

public sealed class AsyncReferenceArgumentTests
{
    [Fact]
    public async Task An_async_reference_passed_to_a_third_site_calls_the_same_object_at_its_home()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var relaySite = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        var relay = await Relay.TakeAsync(caller, new Relay().Offer(relaySite));

        Assert.Equal(3, relay.AddThrough(sequencer, 1, 2));
        Assert.Equal(1, home.Counters.Received(Tessera.Wire.MessageKind.AsyncCall));
    }

    [Fact]
    public async Task An_async_reference_sent_away_and_back_reaches_the_original_object()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var relaySite = await harness.StartSiteAsync();
        var relay = await Relay.TakeAsync(home, new Relay().Offer(relaySite));
        var sequencer = Sequencer.Create();

        var back = relay.Echo(sequencer);

        Assert.Equal(sequencer, back);
        Assert.Null(relay.Echo(null));
        Assert.Equal(5, back!.Add(2, 3).Value);
    }
}
