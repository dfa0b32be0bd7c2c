using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Runtime.Tests.Transport;
using Tessera.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

public sealed class ReplySlotTableTests
{
    // Well under ReplySlot's 1 s wait slice, after which a waiter that nobody woke looks again by itself.
    private static readonly TimeSpan WokenPromptly = TimeSpan.FromMilliseconds(600);

    [Fact]
    public async Task A_slot_is_reused_after_its_request_ends_under_a_new_id()
    {
        var table = new ReplySlotTable();
        var first = table.Rent(CancellationToken.None);
        var reply = Reply(first.Id);
        Assert.True(table.TryComplete(first.Id, reply));
        Assert.Same(reply.Message, (await first.Reply).Message);
        table.Return(first);

        var second = table.Rent(CancellationToken.None);

        Assert.Same(first.Slot, second.Slot);
        Assert.NotEqual(first.Id, second.Id);
        Assert.NotEqual(0L, second.Id);
        var secondReply = Reply(second.Id);
        Assert.True(table.TryComplete(second.Id, secondReply));
        Assert.Same(secondReply.Message, (await second.Reply).Message);
    }

    [Fact]
    public async Task A_reply_that_comes_after_its_request_ended_does_not_reach_the_request_that_reuses_the_slot()
    {
        var table = new ReplySlotTable();
        using var gaveUp = new CancellationTokenSource();
        var first = table.Rent(gaveUp.Token);
        gaveUp.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await first.Reply);
        table.Return(first);
        var second = table.Rent(CancellationToken.None);
        Assert.Same(first.Slot, second.Slot);

        Assert.False(table.TryComplete(first.Id, Reply(first.Id)));

        Assert.False(second.Reply.IsCompleted);
        var secondReply = Reply(second.Id);
        Assert.True(table.TryComplete(second.Id, secondReply));
        Assert.Same(secondReply.Message, (await second.Reply).Message);
    }

    [Fact]
    public void Cancelling_a_blocked_wait_wakes_it_and_a_late_reply_is_dropped()
    {
        var table = new ReplySlotTable();
        using var cancel = new CancellationTokenSource();
        var request = table.Rent(cancel.Token);
        // Cancelled from a thread of its own, not a timer: a timer's callback needs a thread-pool thread, which a busy
        // test run may not have for a second, and this test is about the wait's wake-up, not the pool.
        var canceller = new Thread(() =>
        {
            Thread.Sleep(50);
            cancel.Cancel();
        });
        var waited = Stopwatch.StartNew();
        canceller.Start();

        Assert.ThrowsAny<OperationCanceledException>(() => request.Wait(cancel.Token));

        // Woken by the token, not by the wait's 1 s safety slice.
        Assert.True(waited.Elapsed < WokenPromptly, $"The wait ended {waited.ElapsedMilliseconds} ms after it began.");

        Assert.False(table.TryComplete(request.Id, Reply(request.Id)));
        table.Return(request);
        canceller.Join();
    }

    [Fact]
    public async Task Returning_a_request_twice_hands_its_slot_out_only_once()
    {
        var table = new ReplySlotTable();
        var first = table.Rent(CancellationToken.None);
        table.Return(first);
        table.Return(first);

        var second = table.Rent(CancellationToken.None);
        var third = table.Rent(CancellationToken.None);

        Assert.NotSame(second.Slot, third.Slot);
        Assert.True(table.TryComplete(third.Id, Reply(third.Id)));
        Assert.False(second.Reply.IsCompleted);
        await third.Reply;
    }

    [Fact]
    public async Task Connection_loss_fails_every_waiting_request_at_once()
    {
        var table = new ReplySlotTable();
        // More than the table starts with, so some slots live in a grown array.
        var requests = Enumerable.Range(0, 10).Select(_ => table.Rent(CancellationToken.None)).ToArray();
        var answered = requests[3];
        Assert.True(table.TryComplete(answered.Id, Reply(answered.Id)));
        var closed = new ConnectionClosedException("The connection closed");

        table.FailAll(closed);

        foreach (var request in requests.Where(r => r.Id != answered.Id))
            Assert.Same(closed, await Assert.ThrowsAsync<ConnectionClosedException>(async () => await request.Reply));
        await answered.Reply;
        Assert.False(table.TryComplete(requests[0].Id, Reply(requests[0].Id)));
    }

    [Fact]
    public void Threads_blocked_on_their_slots_are_woken_by_replies_from_another_thread()
    {
        const int Callers = 16;
        var table = new ReplySlotTable();
        var requests = Enumerable.Range(0, Callers).Select(_ => table.Rent(CancellationToken.None)).ToArray();
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        var threads = requests.Select(request => new Thread(() => request.Wait(deadline.Token))).ToArray();
        foreach (var thread in threads) thread.Start();
        // Every thread blocked in its wait first: a reply that comes before the wait proves nothing about waking.
        SpinWait.SpinUntil(() => threads.All(t => (t.ThreadState & System.Threading.ThreadState.WaitSleepJoin) != 0), TestTimeouts.Default);

        var woken = Stopwatch.StartNew();
        foreach (var request in requests) Assert.True(table.TryComplete(request.Id, Reply(request.Id)));

        foreach (var thread in threads) Assert.True(thread.Join(TestTimeouts.Default));
        Assert.False(deadline.IsCancellationRequested);
        // By the replies, not by the wait's 1 s safety slice.
        Assert.True(woken.Elapsed < WokenPromptly, $"The last thread woke {woken.ElapsedMilliseconds} ms after the replies.");
    }

    [Fact]
    public void Slots_past_the_kept_number_are_not_reused()
    {
        var table = new ReplySlotTable();
        var requests = Enumerable.Range(0, ReplySlotTable.MaxKept + 1).Select(_ => table.Rent(CancellationToken.None)).ToArray();
        var last = requests[^1];
        foreach (var request in requests) table.Return(request);

        var reused = Enumerable.Range(0, ReplySlotTable.MaxKept + 1).Select(_ => table.Rent(CancellationToken.None)).ToArray();

        Assert.DoesNotContain(reused, r => ReferenceEquals(r.Slot, last.Slot));
        Assert.Equal(ReplySlotTable.MaxKept, reused.Count(r => requests.Any(old => ReferenceEquals(old.Slot, r.Slot))));
    }

    [Fact]
    public void A_reply_to_call_id_0_settles_no_request()
    {
        var table = new ReplySlotTable();
        var request = table.Rent(CancellationToken.None);

        Assert.False(table.TryComplete(0, Reply(0)));

        Assert.False(request.Reply.IsCompleted);
        Assert.True(table.TryComplete(request.Id, Reply(request.Id)));
    }

    private static RequestReply Reply(long id) => new(new CallFault { CallId = id });
}
