using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Tessera.Transport.Framing;

/// <summary>
/// The bounded queue between a connection's senders and its one writer loop. While there is room a send
/// is a lock-free enqueue (a pipelining caller and the writer loop would otherwise contend for a lock on
/// every frame); past the bound a send waits, in order, in a small queue of blocked senders that the writer
/// admits as it takes frames out. A sender's later send never overtakes its earlier blocked one.
/// </summary>
internal sealed class SendQueue : IValueTaskSource<bool>
{
    // Added to the count by Complete: every later fast-path send finds the queue "full" and is refused on the
    // slow path, while a send that counted itself before it is still awaited by the writer (count above the bias).
    private const int CompletedBias = 1 << 30;

    private readonly ConcurrentQueue<OutboundFrame> _frames = new();
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly LinkedList<BlockedSend> _blocked = new();
    private int _count;
    private int _blockedCount;
    private volatile bool _completed;
    private int _readerWaiting;

    // One reusable signal for the writer loop's idle wait, which comes once per frame on a quiet connection.
    private ManualResetValueTaskSourceCore<bool> _readable = new() { RunContinuationsAsynchronously = true };

    /// <summary>The largest bound: far enough below <see cref="CompletedBias"/> that a biased count never looks like room.</summary>
    public const int MaxCapacity = 1 << 20;

    public SendQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        _capacity = capacity;
    }

    /// <summary>Queues <paramref name="frame"/>, waiting while the queue is full; false once <see cref="Complete"/> was called (the frame is then the caller's).</summary>
    public ValueTask<bool> EnqueueAsync(OutboundFrame frame, CancellationToken cancellationToken)
    {
        if (_completed) return new ValueTask<bool>(false);
        if (Volatile.Read(ref _blockedCount) == 0)
        {
            if (Interlocked.Increment(ref _count) <= _capacity)
            {
                _frames.Enqueue(frame);
                WakeReader();
                return new ValueTask<bool>(true);
            }
            Interlocked.Decrement(ref _count);
            // A writer waiting for the last counted send to settle must look again.
            if (_completed)
            {
                WakeReader();
                return new ValueTask<bool>(false);
            }
        }
        return EnqueueSlowAsync(frame, cancellationToken);
    }

    /// <summary>For the writer loop only.</summary>
    public bool TryDequeue(out OutboundFrame frame)
    {
        if (!_frames.TryDequeue(out frame)) return false;
        Interlocked.Decrement(ref _count);
        // Pairs with the fence in EnqueueSlowAsync: either the blocked sender sees the room, or this sees the sender.
        if (Volatile.Read(ref _blockedCount) > 0)
        {
            lock (_gate) AdmitBlocked();
        }
        return true;
    }

    /// <summary>
    /// For the writer loop only: false once the queue is complete and empty; otherwise true when there may
    /// be a frame to take (look again with <see cref="TryDequeue"/>, then wait again).
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        while (true)
        {
            if (!_frames.IsEmpty) return new ValueTask<bool>(true);
            if (IsDrained) return new ValueTask<bool>(false);
            // Safe: the previous wait's signal, if any, completed before this loop came round again.
            _readable.Reset();
            // A full fence before looking again: a sender that enqueued before it is seen here, one after it sees the flag.
            Interlocked.Exchange(ref _readerWaiting, 1);
            if ((!_frames.IsEmpty || IsDrained) && Interlocked.Exchange(ref _readerWaiting, 0) == 1) continue;
            // Either nothing came, or a sender took the flag and is signalling: the wait ends with its signal.
            return new ValueTask<bool>(this, _readable.Version);
        }
    }

    /// <summary>Takes no more frames and fails every blocked send; queued frames stay for the writer to drain or drop.</summary>
    public void Complete()
    {
        List<BlockedSend> failed;
        lock (_gate)
        {
            if (_completed) return;
            _completed = true;
            // A full fence too: WakeReader below reads the writer's flag only after both writes.
            Interlocked.Add(ref _count, CompletedBias);
            failed = new List<BlockedSend>(_blocked);
            _blocked.Clear();
            Volatile.Write(ref _blockedCount, 0);
        }
        foreach (var send in failed) send.Refuse();
        WakeReader();
    }

    /// <summary>Complete, every counted send is in, and the writer took them all.</summary>
    private bool IsDrained => _completed && Volatile.Read(ref _count) == CompletedBias && _frames.IsEmpty;

    private async ValueTask<bool> EnqueueSlowAsync(OutboundFrame frame, CancellationToken cancellationToken)
    {
        BlockedSend blocked;
        lock (_gate)
        {
            if (_completed) return false;
            blocked = new BlockedSend(frame);
            blocked.Node = _blocked.AddLast(blocked);
            Interlocked.Increment(ref _blockedCount);
            // The writer may have taken a frame out before it could see this sender: look at the room again.
            AdmitBlocked();
        }
        if (blocked.Task.IsCompleted) return await blocked.Task.ConfigureAwait(false);
        using var registration = cancellationToken.UnsafeRegister(static (state, token) =>
        {
            var (queue, send) = ((SendQueue, BlockedSend))state!;
            queue.Cancel(send, token);
        }, (this, blocked));
        return await blocked.Task.ConfigureAwait(false);
    }

    private void Cancel(BlockedSend send, CancellationToken token)
    {
        lock (_gate)
        {
            if (send.Node?.List is null) return;
            _blocked.Remove(send.Node);
            Interlocked.Decrement(ref _blockedCount);
        }
        send.Cancel(token);
    }

    /// <summary>Under the gate: moves blocked sends into the queue, oldest first, while there is room.</summary>
    private void AdmitBlocked()
    {
        while (_blocked.First is { } first)
        {
            if (Interlocked.Increment(ref _count) > _capacity)
            {
                Interlocked.Decrement(ref _count);
                return;
            }
            _blocked.RemoveFirst();
            Interlocked.Decrement(ref _blockedCount);
            _frames.Enqueue(first.Value.Frame);
            first.Value.Admit();
            WakeReader();
        }
    }

    private void WakeReader()
    {
        if (Volatile.Read(ref _readerWaiting) != 0 && Interlocked.Exchange(ref _readerWaiting, 0) != 0) _readable.SetResult(true);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _readable.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _readable.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _readable.OnCompleted(continuation, state, token, flags);

    private sealed class BlockedSend(OutboundFrame frame)
    {
        private readonly TaskCompletionSource<bool> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public OutboundFrame Frame => frame;

        public LinkedListNode<BlockedSend>? Node { get; set; }

        public Task<bool> Task => _outcome.Task;

        public void Admit() => _outcome.TrySetResult(true);

        public void Refuse() => _outcome.TrySetResult(false);

        public void Cancel(CancellationToken token) => _outcome.TrySetCanceled(token);
    }
}
