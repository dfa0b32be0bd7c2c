using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>
/// An active object whose methods take and return its own async reference by the short name <c>Ref</c>, as code
/// inside the class naturally writes it: it must travel as a reference, exactly like <c>Hop.Ref</c>.
/// </summary>
[Async]
public partial class Hop
{
    public virtual int Through(Ref? next, int value) => next is null ? value + 1 : next.Through(null, value * 10).Value;

    public virtual Ref? Echo(Ref? other) => other;
}

public sealed class OwnReferenceArgumentTests
{
    [Fact]
    public async Task An_unqualified_Ref_parameter_travels_as_a_reference_and_calls_the_object_at_its_home()
    {
        await using var harness = new SiteHarness();
        var firstHome = await harness.StartSiteAsync();
        var secondHome = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var first = await Hop.TakeAsync(caller, Hop.Create().Offer(firstHome));
        var second = await Hop.TakeAsync(caller, Hop.Create().Offer(secondHome));

        Assert.Equal(21, first.Through(second, 2).Value);
        Assert.Equal(1, secondHome.Counters.Received(Tessera.Wire.MessageKind.AsyncCall));
    }

    [Fact]
    public async Task An_unqualified_Ref_result_comes_back_as_the_same_reference()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var remote = await Hop.TakeAsync(caller, Hop.Create().Offer(home));
        var local = Hop.Create();

        Assert.Equal(local, remote.Echo(local).Value);
        Assert.Null(remote.Echo(null).Value);
    }
}
