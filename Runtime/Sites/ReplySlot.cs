using System;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>
/// Where one request at a time waits for its reply. Reused request after request, so a call costs no task,
/// no completion source and no dictionary node. Every change of state happens under the slot's monitor: a
/// reply, a cancellation and connection loss race to settle it, and only the request that still owns the
/// slot (checked by its id) can be settled, so a reply that comes after its caller gave up is dropped even
/// when the slot already serves a later request.
/// </summary>
internal sealed class ReplySlot : IValueTaskSource<RequestReply>
{
    // A blocked caller wakes on the reply's pulse; the slice only bounds each wait so a caller whose token
    // fired before its callback was registered still notices.
    private const int WaitSliceMilliseconds = 1000;

    private static readonly Action<object?> CancelOnToken = static slot => ((ReplySlot)slot!).Settle(0, default, new OperationCanceledException());

    // A monitor rather than a Lock: blocked callers wait on it, and settling pulses it.
    private readonly object _gate = new();
    private ManualResetValueTaskSourceCore<RequestReply> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;
    private long _owner;
    private bool _awaiting;

    public ReplySlot(int index) => Index = index;

    /// <summary>This slot's place in its table, the low half of every id it is given.</summary>
    public int Index { get; }

    /// <summary>
    /// The reply as a value task, for the owner to await once. Its continuation runs on the thread pool,
    /// never on the reader loop that settled it.
    /// </summary>
    public ValueTask<RequestReply> Reply => new(this, _core.Version);

    /// <summary>Gives the slot to request <paramref name="id"/>; <paramref name="cancellationToken"/> settles it with cancellation.</summary>
    public void Arm(long id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _core.Reset();
            _owner = id;
            _awaiting = true;
        }
        // Outside the monitor: an already cancelled token runs the callback here and now.
        _cancellation = cancellationToken.UnsafeRegister(CancelOnToken, this);
    }

    /// <summary>
    /// The reply to request <paramref name="id"/>; false if that request no longer owns the slot or was already
    /// settled. Id 0, which no request has, is refused: to <see cref="Settle"/> it means whoever waits.
    /// </summary>
    public bool TryComplete(long id, RequestReply reply) => id != 0 && Settle(id, reply, null);

    /// <summary>Fails whichever request is waiting here, as when the connection closes.</summary>
    public void Fail(Exception error) => Settle(0, default, error);

    /// <summary>
    /// Blocks until the slot is settled. The reply's pulse wakes this thread straight from the reader loop,
    /// so a blocked caller needs no other thread-pool thread to wake it.
    /// </summary>
    public RequestReply Wait(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            while (_awaiting)
            {
                // The token's callback settles the slot too; this covers a callback that has not run yet.
                if (cancellationToken.IsCancellationRequested) Settle(0, default, new OperationCanceledException(cancellationToken));
                else Monitor.Wait(_gate, WaitSliceMilliseconds);
            }
        }
        return _core.GetResult(_core.Version);
    }

    /// <summary>
    /// Takes the slot back from request <paramref name="id"/>, once its owner no longer waits. False if that
    /// request does not own it (it was already released), so a slot is never handed back twice.
    /// </summary>
    public bool Release(long id)
    {
        CancellationTokenRegistration cancellation;
        lock (_gate)
        {
            if (_owner != id) return false;
            _owner = 0;
            _awaiting = false;
            cancellation = _cancellation;
            _cancellation = default;
        }
        // Waits out a callback already running; it finds nothing awaiting, so the next owner is safe from it.
        cancellation.Dispose();
        return true;
    }

    /// <summary>Settles the slot once: with a reply for <paramref name="id"/>, or (id 0) with an error for whoever waits.</summary>
    private bool Settle(long id, RequestReply reply, Exception? error)
    {
        lock (_gate)
        {
            if (!_awaiting || (id != 0 && id != _owner)) return false;
            _awaiting = false;
            if (error is null) _core.SetResult(reply);
            else _core.SetException(error);
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    RequestReply IValueTaskSource<RequestReply>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<RequestReply>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<RequestReply>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
