using Tessera.Protocols.Async;
using Tessera.Runtime.Tests.Sites;
using Xunit;

namespace Tessera.Runtime.Tests.Protocols;

/// <summary>The edges of the [Async] settings: the shortest call timeout, an infinite wait, a site that stops with calls held.</summary>
public sealed class AsyncLimitTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(16)]
    public async Task A_call_timeout_of_a_few_milliseconds_still_fails_a_reply_that_does_not_come(int milliseconds)
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync(callTimeout: TimeSpan.FromMilliseconds(milliseconds));
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));

        var reply = sequencer.SlowAsync(3000);

        await Assert.ThrowsAsync<CallTimeoutException>(() => reply.AsTask().WaitAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task A_slot_taken_with_an_infinite_timeout_waits_for_one_to_be_released()
    {
        var slots = new Slots(1);
        Assert.True(slots.TryTake());

        var taking = Task.Run(() => slots.Take(TimeProvider.System, Timeout.InfiniteTimeSpan, CancellationToken.None));
        await Task.Delay(200);
        Assert.False(taking.IsCompleted);
        slots.Release();

        Assert.True(await taking.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_default_timeout_no_wait_can_take_is_refused_where_it_is_set()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Tessera.Dataflow.DefaultTimeout = TimeSpan.FromDays(30));

        Assert.Contains("24.8 days", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_wait_longer_than_a_wait_can_take_is_refused_whether_or_not_the_variable_is_bound(bool bound)
    {
        var variable = bound ? new Dataflow<int>(1) : new Dataflow<int>();

        var tooLong = Assert.Throws<ArgumentOutOfRangeException>(() => variable.GetValue(TimeSpan.FromDays(30)));
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => variable.GetValue(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Tessera.Dataflow().Wait(TimeSpan.FromDays(30)));

        Assert.Equal("timeout", tooLong.ParamName);
        Assert.Contains("24.8 days", tooLong.Message);
        Assert.Contains("Timeout.InfiniteTimeSpan", negative.Message);
    }

    [Fact]
    public async Task Calls_held_for_an_unreachable_home_fail_when_their_site_stops_not_at_their_deadline()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(60));
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        Assert.Equal(3, await sequencer.Add(1, 2).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(harness.Network.KillTransport(home.Address));
        await Poll.UntilAsync(() => caller.Health.StateOf(home.Identity) == FaultState.TempFail && !caller.Connections.IsEstablished(home.Identity));
        var held = sequencer.Add(5, 6);

        await caller.DisposeAsync();

        var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => held.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("was held for", error.Message);
    }
}
