using Xunit;

namespace Tessera.Runtime.Tests.Dataflow;

public sealed class DataflowTests
{
    [Fact]
    public void A_variable_is_used_as_its_value()
    {
        var x1 = new Dataflow<int>();
        var x2 = new Dataflow<int>(20);
        var x3 = new Dataflow<int>();
        x1.Bind(1);
        x3.Bind(300);

        int x = x1 + x2 + x3;

        Assert.Equal(321, x);
    }

    [Fact]
    public void Binding_again_to_an_equal_value_is_a_no_op_and_to_another_value_throws()
    {
        var variable = new Dataflow<string>();
        variable.Bind("a");

        variable.Bind("a");
        Assert.True(variable.TryBind("a"));
        Assert.False(variable.TryBind("b"));
        var conflict = Assert.Throws<DataflowBindingConflictException>(() => variable.Bind("b"));

        Assert.Equal("b", conflict.Attempted);
        Assert.Equal("a", conflict.Existing);
        Assert.Equal("a", variable.Value);
    }

    [Fact]
    public async Task A_fault_is_rethrown_wherever_the_value_is_used()
    {
        var variable = new Dataflow<int>();
        variable.Fail(new InvalidOperationException("no value"));

        Assert.True(variable.IsFaulted);
        Assert.False(variable.IsBound);
        Assert.Equal("no value", Assert.Throws<InvalidOperationException>(() => variable.Value).Message);
        Assert.Throws<InvalidOperationException>(() => { int unused = variable; });
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await variable);
        Assert.Throws<DataflowBindingConflictException>(() => variable.Bind(1));
        Assert.False(variable.TryFail(new InvalidOperationException("again")));
        Assert.True(variable.TryFail(new InvalidOperationException("no value")));
        variable.Fail(new InvalidOperationException("no value"));
    }

    [Fact]
    public void A_blocking_read_gives_up_at_its_timeout_or_cancellation()
    {
        var variable = new Dataflow<int>();

        var timeout = Assert.Throws<DataflowTimeoutException>(() => variable.GetValue(TimeSpan.FromMilliseconds(20)));
        Assert.Equal(TimeSpan.FromMilliseconds(20), timeout.Timeout);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => variable.GetValue(TimeSpan.FromSeconds(10), cancelled.Token));
    }

    [Fact]
    public async Task A_blocked_reader_wakes_when_another_thread_binds()
    {
        var variable = new Dataflow<int>();
        var reader = Task.Run(() => variable.GetValue(TimeSpan.FromSeconds(10)));

        variable.Bind(7);

        Assert.Equal(7, await reader.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Awaiting_and_AsTask_see_the_bind()
    {
        var variable = new Dataflow<int>();
        var awaited = Task.Run(async () => await variable);

        variable.Bind(5);

        Assert.Equal(5, await awaited.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(5, await variable.AsTask());
    }

    [Fact]
    public async Task Bind_returns_before_continuations_run()
    {
        var variable = new Dataflow<int>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        variable.OnDetermined(_ =>
        {
            gate.Task.Wait(TimeSpan.FromSeconds(10));
            finished.SetResult();
        });

        variable.Bind(1);

        Assert.False(finished.Task.IsCompleted);
        gate.SetResult();
        await finished.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_callback_runs_once_when_the_variable_is_determined()
    {
        var variable = new Dataflow<int>();
        var seen = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        variable.OnDetermined(v => seen.SetResult(v.Value));
        Assert.False(seen.Task.IsCompleted);

        variable.Bind(9);

        Assert.Equal(9, await seen.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        var late = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        variable.OnDetermined(v => late.SetResult(v.IsBound));
        Assert.True(await late.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Reading_on_a_single_threaded_synchronization_context_does_not_deadlock()
    {
        var variable = new Dataflow<int>();
        var context = new BlockingContext();
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            _ = Task.Run(() => variable.Bind(3));
            Assert.Equal(3, variable.GetValue(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }
        Assert.Equal(0, context.Posts);
    }

    [Fact]
    public async Task A_completion_binds_once_and_rebinding_is_a_no_op()
    {
        var done = new Tessera.Dataflow();
        Assert.False(done.IsBound);

        done.Bind();
        done.Bind();

        Assert.True(done.TryBind());
        await done;
        done.Wait();
        var failed = new Tessera.Dataflow();
        failed.Fail(new TimeoutException("late"));
        Assert.Throws<TimeoutException>(() => failed.Wait());
    }

    [Fact]
    public async Task A_bind_racing_blocked_readers_and_awaiters_wakes_every_one_of_them()
    {
        // The variable makes its task only when someone waits; a bind that lands while the task is being made must still be seen.
        for (var round = 0; round < 2_000; round++)
        {
            var variable = new Dataflow<int>();
            using var start = new Barrier(3);
            var blocked = Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                return variable.GetValue(TimeSpan.FromSeconds(10));
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var awaiting = Task.Run(async () =>
            {
                start.SignalAndWait();
                return await variable;
            });
            start.SignalAndWait();
            variable.Bind(round);

            Assert.Equal(round, await blocked.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(round, await awaiting.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(round, await variable.AsTask());
        }
    }

    [Fact]
    public async Task A_fault_is_the_same_exception_for_a_reader_an_awaiter_and_the_task()
    {
        var variable = new Dataflow<int>();
        var awaiting = variable.AsTask();
        var fault = new InvalidOperationException("boom");

        Assert.True(variable.TryFail(fault));

        Assert.Same(fault, Assert.Throws<InvalidOperationException>(() => variable.Value));
        Assert.Same(fault, await Assert.ThrowsAsync<InvalidOperationException>(() => awaiting));
        Assert.Same(fault, await Assert.ThrowsAsync<InvalidOperationException>(async () => await variable));
        Assert.True(variable.IsFaulted);
        Assert.False(variable.IsBound);
        Assert.False(variable.TryBind(1));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition()) await Task.Delay(5, cancellation.Token);
    }

    /// <summary>A UI-like context that would deadlock anything needing the blocked thread; it only counts.</summary>
    private sealed class BlockingContext : SynchronizationContext
    {
        public int Posts;

        public override void Post(SendOrPostCallback d, object? state) => Interlocked.Increment(ref Posts);
    }
}
