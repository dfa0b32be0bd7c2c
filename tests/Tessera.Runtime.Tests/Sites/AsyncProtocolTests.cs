using Tessera.Runtime.Tests.Transport;
using Tessera.Transport;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

public sealed class AsyncProtocolTests
{
    [Fact]
    public async Task Calls_return_variables_at_once_and_the_sum_equals_the_local_sum()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));

        var x1 = sequencer.Add(1, 2);
        var x2 = sequencer.Add(30, 40);
        var x3 = sequencer.Add(500, 600);
        int x = x1 + x2 + x3;

        Assert.Equal(1173, x);
    }

    [Fact]
    public async Task A_call_whose_send_waits_past_its_deadline_fails_with_a_timeout_not_a_cancellation()
    {
        await using var harness = new SiteHarness();
        SilenceableTransport? quiet = null;
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync(TimeSpan.FromSeconds(1), wrapTransport: t => quiet = new SilenceableTransport(t));
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        Assert.Equal(3, await sequencer.Add(1, 2).AsTask().WaitAsync(TestTimeouts.Default));

        quiet!.Silence();
        var stuck = await Task.Run(() => sequencer.Add(3, 4)).WaitAsync(TestTimeouts.Default);
        // A one-way call has no reply variable for the deadline sweep to fail: the wait for the send queue is its only bound.
        var oneWay = await Assert.ThrowsAsync<CallTimeoutException>(() => Task.Run(() => sequencer.Note(5)).WaitAsync(TestTimeouts.Default));

        Assert.Contains("send queue", oneWay.Message);
        await Assert.ThrowsAsync<CallTimeoutException>(() => stuck.AsTask().WaitAsync(TestTimeouts.Default));
        quiet.Hear();
    }

    [Fact]
    public async Task A_call_that_times_out_in_a_full_send_queue_never_goes_out_and_says_it_did_not_run()
    {
        await using var harness = new SiteHarness();
        var link = new HeldLink(harness.Network);
        // A small frame limit at home keeps the link's buffer small (it must admit one whole frame), so it fills fast.
        var home = await harness.StartSiteAsync(transportOptions: new TransportOptions { MaxFrameSize = 4096 });
        var caller = await harness.StartSiteAsync(TimeSpan.FromSeconds(1), transportOptions: new TransportOptions { SendQueueCapacity = 2 });
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        Assert.Equal(0, await sequencer.Count().AsTask().WaitAsync(TestTimeouts.Default));

        // Nothing reaches home: the link's buffer fills, then the send queue, then a send waits out its deadline.
        link.Hold();
        var (queued, timeout) = await Task.Run(() =>
        {
            for (var sent = 0; ; sent++)
            {
                try
                {
                    sequencer.Note(sent);
                }
                catch (CallTimeoutException ex)
                {
                    return (sent, ex);
                }
            }
        }).WaitAsync(TestTimeouts.Default);
        Assert.False(timeout.MayHaveRun);
        Assert.Contains("did not run", timeout.Message);
        link.Open();

        // Count goes out behind every note that was queued, and would count the timed-out one had it gone too.
        Assert.Equal(queued, await sequencer.Count().AsTask().WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task An_async_call_is_one_message_and_its_reply_one_more()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        await sequencer.Add(0, 0);
        var (callerSent, callerReceived, homeSent, homeReceived) = (caller.Counters.TotalSent, caller.Counters.TotalReceived, home.Counters.TotalSent, home.Counters.TotalReceived);

        const int calls = 50;
        var replies = Enumerable.Range(0, calls).Select(i => sequencer.Add(i, 1)).ToList();
        for (var i = 0; i < calls; i++) Assert.Equal(i + 1, replies[i].Value);

        Assert.Equal(calls, caller.Counters.TotalSent - callerSent);
        Assert.Equal(calls, caller.Counters.TotalReceived - callerReceived);
        Assert.Equal(calls, home.Counters.TotalSent - homeSent);
        Assert.Equal(calls, home.Counters.TotalReceived - homeReceived);
        Assert.Equal(calls + 1, caller.Counters.Sent(MessageKind.AsyncCall));
        Assert.Equal(calls + 1, caller.Counters.Received(MessageKind.AsyncReply));
    }

    [Fact]
    public async Task Ten_thousand_calls_from_one_caller_arrive_in_order()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var local = Sequencer.Create();
        var sequencer = await Sequencer.TakeAsync(caller, local.Offer(home));

        Tessera.Dataflow? last = null;
        for (var i = 0; i < 10_000; i++) last = sequencer.Record(i);
        await last!;

        Assert.Equal(10_000, await sequencer.Count());
        Assert.Equal(0, await sequencer.OutOfOrder());
        Assert.Equal(0, await local.Overlaps());
    }

    [Fact]
    public async Task One_way_calls_are_one_message_each_and_keep_their_order()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        await sequencer.Count();
        var sent = caller.Counters.TotalSent;
        var received = caller.Counters.TotalReceived;

        for (var i = 0; i < 100; i++) sequencer.Note(i);

        Assert.Equal(100, caller.Counters.TotalSent - sent);
        Assert.Equal(100, await sequencer.Count());
        Assert.Equal(0, await sequencer.OutOfOrder());
        Assert.Equal(received + 2, caller.Counters.TotalReceived);
    }

    [Fact]
    public async Task Calls_from_several_sites_and_this_one_run_one_at_a_time()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var first = await harness.StartSiteAsync();
        var second = await harness.StartSiteAsync();
        var local = Sequencer.Create();
        var ticket = local.OfferUnlimited(home);
        var a = await Sequencer.TakeAsync(first, ticket);
        var b = await Sequencer.TakeAsync(second, ticket);

        var slow = new List<Dataflow<int>>();
        for (var i = 0; i < 10; i++)
        {
            slow.Add(a.SlowAsync(2));
            slow.Add(b.SlowAsync(2));
            slow.Add(local.SlowAsync(2));
        }
        foreach (var call in slow) await call;

        Assert.Equal(0, await local.Overlaps());
    }

    [Fact]
    public async Task An_exception_at_home_fails_the_reply_variable_and_is_rethrown_where_used()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));

        var failed = sequencer.Divide(1, 0);
        var next = sequencer.Divide(6, 3);

        var error = Assert.Throws<RemoteException>(() => { int unused = failed; });
        Assert.Equal(typeof(DivideByZeroException).FullName, error.RemoteTypeName);
        await Assert.ThrowsAsync<RemoteException>(async () => await failed);
        Assert.Equal(2, next.Value);
    }

    [Fact]
    public async Task A_local_exception_fails_the_variable_with_the_original_exception()
    {
        var sequencer = Sequencer.Create();

        var failed = sequencer.Divide(1, 0);

        Assert.Throws<DivideByZeroException>(() => failed.Value);
        Assert.Equal(3, sequencer.Add(1, 2).Value);
    }

    [Fact]
    public async Task Losing_the_connection_fails_every_pending_reply_variable()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(30));
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        var hanging = sequencer.HangAsync(CancellationToken.None);
        var queued = sequencer.Add(1, 1);
        await WaitUntilAsync(() => home.Counters.Received(MessageKind.AsyncCall) == 2);

        Assert.True(harness.Network.KillTransport(home.Address));

        await Assert.ThrowsAsync<ConnectionClosedException>(async () => await hanging.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<ConnectionClosedException>(async () => await queued.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_call_past_the_window_waits_for_a_reply_and_is_never_dropped()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await Site.StartAsync(new SiteOptions { ListenAddress = "mem:0", Transport = harness.Network.CreateTransport(), MaxOutstandingAsyncCalls = 2 });
        await using var _ = caller;
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));

        var calls = Enumerable.Range(0, 200).Select(i => sequencer.Add(i, 0)).ToList();

        for (var i = 0; i < calls.Count; i++) Assert.Equal(i, await calls[i]);
        Assert.Equal(200, home.Counters.Received(MessageKind.AsyncCall));
    }

    [Fact]
    public async Task A_send_waiting_at_a_full_window_ends_with_its_cancellation()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await Site.StartAsync(new SiteOptions { ListenAddress = "mem:0", Transport = harness.Network.CreateTransport(), MaxOutstandingAsyncCalls = 1 });
        await using var _ = caller;
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        var hanging = sequencer.HangAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        var blocked = sequencer.HangAsync(cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await blocked);
        Assert.False(hanging.IsDetermined);
        Assert.Equal(1, home.Counters.Received(MessageKind.AsyncCall));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition()) await Task.Delay(5, cancellation.Token);
    }

    [Fact]
    public async Task A_result_too_large_for_a_frame_fails_the_reply_at_once_saying_so()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync(transportOptions: new TransportOptions { MaxFrameSize = 1024 });
        var caller = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(30));
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));

        // The method runs; only its answer cannot travel. The caller used to wait for its deadline.
        var reply = sequencer.Repeat('x', 4096);

        var error = await Assert.ThrowsAsync<RemoteException>(() => reply.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(typeof(FrameTooLargeException).FullName, error.RemoteTypeName);
        Assert.Equal(1, (int)sequencer.Add(0, 1));
    }

    [Fact]
    public async Task An_exception_too_large_for_a_frame_still_fails_the_reply_by_type()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync(transportOptions: new TransportOptions { MaxFrameSize = 1024 });
        var caller = await harness.StartSiteAsync(callTimeout: TimeSpan.FromSeconds(30));
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));

        var error = await Assert.ThrowsAsync<RemoteException>(() => sequencer.FailAtLength(4096).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(typeof(InvalidOperationException).FullName, error.RemoteTypeName);
    }
}
