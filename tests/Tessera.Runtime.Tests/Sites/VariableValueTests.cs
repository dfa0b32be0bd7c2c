using Tessera.Transport;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>Shared variables whose values are copies without value equality, or cannot travel at all.</summary>
public sealed class VariableValueTests
{
    [Fact]
    public async Task A_winning_bind_of_an_array_at_a_proxy_site_is_not_reported_as_a_conflict()
    {
        await using var harness = new SiteHarness();
        var manager = await harness.StartSiteAsync();
        var other = await harness.StartSiteAsync();
        var (keeper, variable) = await NumbersKeptAsync(manager, new ReferenceVariableKeeper(), other);

        // The proxy's copy is decoded from the manager's answer: an equal array, never the binder's own.
        keeper.BindNumbers([1, 2, 3]);

        Assert.Equal([1, 2, 3], variable.GetValue(TimeSpan.FromSeconds(10)));
        Assert.Equal([1, 2, 3], keeper.ReadNumbers());
    }

    [Fact]
    public async Task A_losing_bind_of_a_different_array_at_a_proxy_site_is_still_a_conflict()
    {
        await using var harness = new SiteHarness();
        var manager = await harness.StartSiteAsync();
        var other = await harness.StartSiteAsync();
        var (keeper, variable) = await NumbersKeptAsync(manager, new ReferenceVariableKeeper(), other);
        variable.Bind([9]);

        var error = Assert.Throws<RemoteException>(() => keeper.BindNumbers([1, 2, 3]));

        Assert.Equal(typeof(DataflowBindingConflictException).FullName, error.RemoteTypeName);
        Assert.Equal([9], keeper.ReadNumbers());
    }

    [Fact]
    public async Task A_value_the_manager_cannot_send_ends_the_proxy_sites_variable_with_the_reason()
    {
        await using var harness = new SiteHarness();
        var manager = await harness.StartSiteAsync();
        var other = await harness.StartSiteAsync();
        var keeper = await ReferenceVariableKeeper.TakeAsync(manager, new ReferenceVariableKeeper().Offer(other));
        var greeter = await Greeter.TakeAsync(manager, new Greeter().Offer(other));
        var variable = new Dataflow<Greeter>();
        keeper.KeepGreeter(variable);
        await Poll.UntilAsync(() => manager.Counters.Received(MessageKind.VariableRegister) == 1);
        Assert.True(RemoteReference.Release(greeter));

        // Encoding a released reference throws: before, on the thread pool, which ended the process.
        variable.Bind(greeter);

        var error = Assert.Throws<RemoteException>(() => keeper.GreetThroughVariable("x"));
        Assert.Contains(nameof(ReferenceReleasedException), error.Message + error.RemoteTypeName);
    }

    [Fact]
    public async Task A_bind_too_large_for_a_frame_fails_at_once_instead_of_being_sent_again_until_its_deadline()
    {
        await using var harness = new SiteHarness();
        var manager = await harness.StartSiteAsync();
        var other = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(30), transportOptions: new TransportOptions { MaxFrameSize = 1024 });
        var keeperHome = new ReferenceVariableKeeper();
        var (_, variable) = await NumbersKeptAsync(manager, keeperHome, other);
        var waited = System.Diagnostics.Stopwatch.StartNew();

        // At the proxy's site itself: the bind's message is the only thing too large.
        Assert.Throws<FrameTooLargeException>(() => keeperHome.BindZeros(2000));

        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"The bind failed after {waited.Elapsed.TotalSeconds:0.0} s.");
        Assert.False(variable.IsDetermined);
    }

    /// <summary>
    /// <paramref name="keeperHome"/>, offered at <paramref name="other"/>, keeps an array variable made at
    /// <paramref name="manager"/>, whose proxy at <paramref name="other"/> has registered with it.
    /// </summary>
    private static async Task<(ReferenceVariableKeeper Keeper, Dataflow<int[]> Variable)> NumbersKeptAsync(Site manager, ReferenceVariableKeeper keeperHome, Site other)
    {
        var keeper = await ReferenceVariableKeeper.TakeAsync(manager, keeperHome.Offer(other));
        var variable = new Dataflow<int[]>();
        keeper.KeepNumbers(variable);
        await Poll.UntilAsync(() => manager.Counters.Received(MessageKind.VariableRegister) == 1);
        return (keeper, variable);
    }
}
