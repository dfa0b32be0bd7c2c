using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Transport;
using Tessera.Transport.Framing;
using Xunit;

namespace Tessera.Runtime.Tests.Transport;

public sealed class SendQueueTests
{
    [Fact]
    public async Task Sends_past_the_bound_wait_and_are_admitted_oldest_first()
    {
        var queue = new SendQueue(capacity: 1);
        Assert.True(await queue.EnqueueAsync(Frame(1), CancellationToken.None));
        var second = queue.EnqueueAsync(Frame(2), CancellationToken.None);
        var third = queue.EnqueueAsync(Frame(3), CancellationToken.None);
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        Assert.Equal(1, Take(queue));
        Assert.True(await second.AsTask().WaitAsync(TestTimeouts.Default));
        Assert.False(third.IsCompleted);
        Assert.Equal(2, Take(queue));
        Assert.True(await third.AsTask().WaitAsync(TestTimeouts.Default));
        Assert.Equal(3, Take(queue));
    }

    [Fact]
    public async Task A_later_send_does_not_overtake_a_blocked_one_even_when_room_appears()
    {
        var queue = new SendQueue(capacity: 2);
        Assert.True(await queue.EnqueueAsync(Frame(1), CancellationToken.None));
        Assert.True(await queue.EnqueueAsync(Frame(2), CancellationToken.None));
        var blocked = queue.EnqueueAsync(Frame(3), CancellationToken.None);
        Assert.False(blocked.IsCompleted);

        var later = queue.EnqueueAsync(Frame(4), CancellationToken.None);
        Assert.Equal(1, Take(queue));
        Assert.Equal(2, Take(queue));
        await blocked.AsTask().WaitAsync(TestTimeouts.Default);
        await later.AsTask().WaitAsync(TestTimeouts.Default);

        Assert.Equal(new[] { 3, 4 }, new[] { Take(queue), Take(queue) });
    }

    [Fact]
    public async Task Cancelling_a_blocked_send_leaves_it_out_and_keeps_the_rest_in_order()
    {
        var queue = new SendQueue(capacity: 1);
        Assert.True(await queue.EnqueueAsync(Frame(1), CancellationToken.None));
        using var cancellation = new CancellationTokenSource();
        var cancelled = queue.EnqueueAsync(Frame(2), cancellation.Token);
        var kept = queue.EnqueueAsync(Frame(3), CancellationToken.None);

        cancellation.Cancel();

        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.AsTask().WaitAsync(TestTimeouts.Default));
        Assert.Equal(cancellation.Token, thrown.CancellationToken);
        Assert.Equal(1, Take(queue));
        Assert.True(await kept.AsTask().WaitAsync(TestTimeouts.Default));
        Assert.Equal(3, Take(queue));
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public async Task Completing_refuses_blocked_and_later_sends_but_leaves_queued_frames_to_drain()
    {
        var queue = new SendQueue(capacity: 1);
        Assert.True(await queue.EnqueueAsync(Frame(1), CancellationToken.None));
        var blocked = queue.EnqueueAsync(Frame(2), CancellationToken.None);

        queue.Complete();

        Assert.False(await blocked.AsTask().WaitAsync(TestTimeouts.Default));
        Assert.False(await queue.EnqueueAsync(Frame(3), CancellationToken.None));
        Assert.True(await queue.WaitToReadAsync());
        Assert.Equal(1, Take(queue));
        Assert.False(await queue.WaitToReadAsync().AsTask().WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task A_waiting_reader_wakes_for_a_frame_and_for_completion()
    {
        var queue = new SendQueue(capacity: 4);
        var waiting = queue.WaitToReadAsync();
        Assert.False(waiting.IsCompleted);
        Assert.True(await queue.EnqueueAsync(Frame(7), CancellationToken.None));
        Assert.True(await waiting.AsTask().WaitAsync(TestTimeouts.Default));
        Assert.Equal(7, Take(queue));

        var idle = queue.WaitToReadAsync();
        Assert.False(idle.IsCompleted);
        queue.Complete();
        await idle.AsTask().WaitAsync(TestTimeouts.Default);
        Assert.False(await queue.WaitToReadAsync());
    }

    [Fact]
    public void A_bound_past_the_supported_size_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SendQueue(SendQueue.MaxCapacity + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransportOptions { SendQueueCapacity = SendQueue.MaxCapacity + 1 }.Validate());
        Assert.NotNull(new SendQueue(SendQueue.MaxCapacity));
    }

    [Fact]
    public async Task An_idle_writer_waits_again_and_again_without_losing_a_wake_up()
    {
        var queue = new SendQueue(capacity: 8);
        var reader = Task.Run(async () =>
        {
            var taken = 0;
            while (taken < 20_000 && await queue.WaitToReadAsync())
            {
                while (queue.TryDequeue(out var frame))
                {
                    Assert.Equal(taken++, BitConverter.ToInt32(frame.Buffer, 0));
                    frame.Return();
                }
            }
            return taken;
        });

        // One frame at a time, each after the reader has had a chance to go idle: every send has to wake it.
        for (var i = 0; i < 20_000; i++)
        {
            Assert.True(await queue.EnqueueAsync(Frame(i), CancellationToken.None));
            if (i % 64 == 0) await Task.Yield();
        }

        Assert.Equal(20_000, await reader.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Every_send_accepted_while_the_queue_completes_reaches_the_writer()
    {
        // A send that passed the completed check just before Complete must still be drained, or it would be
        // reported as sent and never written.
        for (var round = 0; round < 500; round++)
        {
            var queue = new SendQueue(capacity: 1024);
            var senders = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                var accepted = 0;
                while (await queue.EnqueueAsync(Frame(accepted), CancellationToken.None)) accepted++;
                return accepted;
            })).ToArray();
            var writer = Task.Run(async () =>
            {
                var taken = 0;
                while (await queue.WaitToReadAsync())
                {
                    while (queue.TryDequeue(out var frame))
                    {
                        frame.Return();
                        taken++;
                    }
                }
                return taken;
            });
            await Task.Delay(round % 3);
            queue.Complete();

            var accepted = (await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(30))).Sum();
            Assert.Equal(accepted, await writer.WaitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public async Task Concurrent_senders_through_a_small_bound_all_arrive_each_in_its_own_order()
    {
        const int Senders = 4;
        const int FramesEach = 5_000;
        var queue = new SendQueue(capacity: 3);
        var received = new List<int>();
        var reader = Task.Run(async () =>
        {
            while (received.Count < Senders * FramesEach && await queue.WaitToReadAsync())
            {
                while (queue.TryDequeue(out var frame))
                {
                    received.Add(BitConverter.ToInt32(frame.Buffer, 0));
                    frame.Return();
                }
            }
        });
        var senders = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; i < FramesEach; i++)
            {
                Assert.True(await queue.EnqueueAsync(Frame(sender * 1_000_000 + i), CancellationToken.None));
            }
        })).ToArray();

        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(60));
        await reader.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Senders * FramesEach, received.Count);
        foreach (var group in received.GroupBy(value => value / 1_000_000))
        {
            Assert.Equal(Enumerable.Range(group.Key * 1_000_000, FramesEach), group);
        }
    }

    private static OutboundFrame Frame(int value) => OutboundFrame.Copy(BitConverter.GetBytes(value));

    private static int Take(SendQueue queue)
    {
        Assert.True(queue.TryDequeue(out var frame));
        var value = BitConverter.ToInt32(frame.Buffer, 0);
        frame.Return();
        return value;
    }
}
