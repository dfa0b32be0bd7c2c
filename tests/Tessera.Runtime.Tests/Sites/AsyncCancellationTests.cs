using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>A CancellationToken passed to an [Async] method: the caller's variable fails at once and home's method sees its token cancelled.</summary>
public sealed class AsyncCancellationTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Cancelling_a_remote_call_fails_its_variable_and_cancels_the_token_at_home()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(30));
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        using var cancel = new CancellationTokenSource();
        var hanging = sequencer.HangAsync(cancel.Token);
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.AsyncCall) == 1);

        cancel.Cancel();

        Assert.True(hanging.IsFaulted);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await hanging.AsTask().WaitAsync(Deadline));
        // One call at a time: this runs only once the hanging method has seen its token cancelled at home.
        Assert.Equal(3, await sequencer.Add(1, 2).AsTask().WaitAsync(Deadline));
        Assert.Equal(1, caller.Counters.Sent(MessageKind.AsyncCancel));
        Assert.Equal(1, home.Counters.Received(MessageKind.AsyncCancel));
    }

    [Fact]
    public async Task Cancelling_a_local_call_fails_its_variable_at_once_and_the_method_gets_the_token()
    {
        var sequencer = Sequencer.Create();
        using var cancel = new CancellationTokenSource();
        var hanging = sequencer.HangAsync(cancel.Token);

        cancel.Cancel();

        Assert.True(hanging.IsFaulted);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await hanging.AsTask().WaitAsync(Deadline));
        Assert.Equal(3, await sequencer.Add(1, 2).AsTask().WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_call_cancelled_before_it_is_made_fails_without_a_message()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));

        var never = sequencer.HangAsync(new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await never.AsTask().WaitAsync(Deadline));
        Assert.Equal(0, caller.Counters.Sent(MessageKind.AsyncCall));
        Assert.Equal(0, caller.Counters.Sent(MessageKind.AsyncCancel));
    }
}
