using System.Collections.Concurrent;
using Tessera.Runtime.Tests.Transport;
using Tessera.Transport;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>
/// An [Async] send that waits for room in a full send queue ends at its deadline through a timer. A real timer may
/// run its callback after it was disposed (the callback was already dispatched); these tests run it late on purpose.
/// </summary>
public sealed class AsyncSendGiveUpTests
{
    [Fact]
    public async Task A_deadline_timer_that_fires_after_its_send_was_admitted_does_not_fail_the_threads_next_call()
    {
        await using var harness = new SiteHarness();
        var (sequencer, time, link) = await CallerWithAFillableQueueAsync(harness);
        var next = new ManualResetEventSlim();
        Exception? failure = null;
        var sender = StartSender(time, sequencer.Note, untilItWaits: true, then: () =>
        {
            next.Wait();
            try
            {
                sequencer.Note(-1);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        await Poll.UntilAsync(() => !time.Deadlines.IsEmpty);

        link.Open();
        Assert.True(sender.Ready.Wait(TestTimeouts.Default));
        time.RunLastLate();
        next.Set();

        Assert.True(sender.Thread.Join(TestTimeouts.Default));
        Assert.Null(failure);
    }

    [Fact]
    public async Task A_deadline_timer_that_fires_after_its_caller_cancelled_the_wait_throws_nothing()
    {
        await using var harness = new SiteHarness();
        var (sequencer, time, link) = await CallerWithAFillableQueueAsync(harness);
        using var cancellation = new CancellationTokenSource();
        var sender = StartSender(time, i => sequencer.NoteUnlessCancelled(i, cancellation.Token), () => { }, untilItWaits: false);
        await Poll.UntilAsync(() => !time.Deadlines.IsEmpty);
        await sender.StuckAsync();

        cancellation.Cancel();
        Assert.True(sender.Thread.Join(TestTimeouts.Default));
        Assert.IsAssignableFrom<OperationCanceledException>(sender.Failure);

        // On a timer thread, an exception escaping here would end the process.
        Assert.Null(Record.Exception(time.RunLastLate));
        link.Open();
    }

    /// <summary>
    /// Sends one-way calls from a thread of its own: until one has waited for room (<paramref name="untilItWaits"/>), or
    /// until one throws; then runs <paramref name="then"/>.
    /// </summary>
    private static Sender StartSender(DeadlineWatch time, Action<int> send, Action then, bool untilItWaits)
    {
        var sender = new Sender();
        sender.Thread = new Thread(() =>
        {
            time.Watch(Environment.CurrentManagedThreadId);
            try
            {
                for (var i = 0; !untilItWaits || time.Deadlines.IsEmpty; i++)
                {
                    send(i);
                    Volatile.Write(ref sender.Sent, i + 1);
                }
            }
            catch (Exception ex)
            {
                sender.Failure = ex;
            }
            sender.Ready.Set();
            then();
        });
        sender.Thread.Start();
        return sender;
    }

    private sealed class Sender
    {
        public int Sent;

        public Thread Thread { get; set; } = null!;

        public ManualResetEventSlim Ready { get; } = new();

        public Exception? Failure { get; set; }

        /// <summary>Until no call returned for a while: the current one waits for room. A wrong guess weakens the test, never fails it.</summary>
        public async Task StuckAsync()
        {
            var seen = -1;
            while (Volatile.Read(ref Sent) != seen)
            {
                seen = Volatile.Read(ref Sent);
                await Task.Delay(200);
            }
        }
    }

    private static async Task<(Sequencer.Ref Sequencer, DeadlineWatch Time, HeldLink Link)> CallerWithAFillableQueueAsync(SiteHarness harness)
    {
        var link = new HeldLink(harness.Network);
        var time = new DeadlineWatch();
        // A small frame limit at home keeps the link's buffer small, so a held link fills the caller's queue soon.
        var home = await harness.StartSiteAsync(transportOptions: new TransportOptions { MaxFrameSize = 4096 });
        var caller = await harness.StartSiteAsync(TimeSpan.FromSeconds(30), transportOptions: new TransportOptions { SendQueueCapacity = 2 }, configure: options => options with { TimeProvider = time });
        var sequencer = await Sequencer.TakeAsync(caller, Sequencer.Create().Offer(home));
        Assert.Equal(0, await sequencer.Count().AsTask().WaitAsync(TestTimeouts.Default));
        link.Hold();
        return (sequencer, time, link);
    }

    /// <summary>The system clock, keeping the callbacks of the deadline timers one watched thread makes, to run one again late.</summary>
    private sealed class DeadlineWatch : TimeProvider
    {
        private int _watched = -1;

        public ConcurrentStack<(TimerCallback Callback, object? State)> Deadlines { get; } = new();

        public void Watch(int threadId) => Volatile.Write(ref _watched, threadId);

        public void RunLastLate()
        {
            Assert.True(Deadlines.TryPeek(out var late));
            late.Callback(late.State);
        }

        public override long GetTimestamp() => System.GetTimestamp();

        public override long TimestampFrequency => System.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (Environment.CurrentManagedThreadId == Volatile.Read(ref _watched) && state is CancellationTokenSource) Deadlines.Push((callback, state));
            return System.CreateTimer(callback, state, dueTime, period);
        }
    }
}
