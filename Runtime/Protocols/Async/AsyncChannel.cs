using System;
using System.Collections.Concurrent;
using System.Threading;
using Tessera.Sites;

namespace Tessera.Protocols.Async;

/// <summary>
/// The async calls this site has outstanding on one connection: their reply variables by call id, and
/// the window that bounds how many there may be. When the connection drops, every one of them fails.
/// </summary>
/// <remarks>
/// Deadlines are checked by one sweep per channel, every eighth of the timeout, rather than by a timer per
/// call: a call fails between its timeout and 1.125 times it, and a call costs no timer.
/// </remarks>
internal sealed class AsyncChannel : IDisposable
{
    private readonly ConcurrentDictionary<long, PendingAsyncCall> _pending = new();
    private readonly SemaphoreSlim _window;
    private readonly TimeProvider _time;
    private readonly ITimer _sweep;
    private readonly long _timeoutTicks;
    private long _nextId;

    public AsyncChannel(PeerConnection connection, int window, TimeSpan timeout, TimeProvider time)
    {
        Connection = connection;
        Timeout = timeout;
        _time = time;
        _window = new SemaphoreSlim(window, window);
        _timeoutTicks = (long)(timeout.TotalSeconds * time.TimestampFrequency);
        var period = timeout / 8;
        _sweep = time.CreateTimer(static state => ((AsyncChannel)state!).Sweep(), this, period, period);
    }

    public PeerConnection Connection { get; }

    public TimeSpan Timeout { get; }

    public int Outstanding => _pending.Count;

    /// <summary>
    /// Takes a window slot, waiting while the window is full. Blocking is the point: a send past the
    /// bound waits (like a Mozart port under flow control) rather than queueing without limit or dropping.
    /// </summary>
    public void Acquire(TimeProvider time, CancellationToken cancellationToken)
    {
        if (_window.Wait(0)) return;
        using var deadline = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            _window.Wait(linked.Token);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CallTimeoutException($"Waiting for room among the async calls outstanding on {Connection}", Timeout, ex);
        }
    }

    public long Register(PendingAsyncCall call, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        _pending[id] = call;
        call.Start(this, id, _time.GetTimestamp() + _timeoutTicks, cancellationToken);
        return id;
    }

    public bool TryTake(long id, out PendingAsyncCall call) => _pending.TryGetValue(id, out call!);

    /// <summary>Called once per call, by whichever outcome ended it.</summary>
    public void Release(long id)
    {
        if (_pending.TryRemove(id, out _)) _window.Release();
    }

    public void FailAll(Exception reason)
    {
        foreach (var call in _pending.Values) call.Fail(reason);
    }

    public void Dispose() => _sweep.Dispose();

    private void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var call in _pending.Values)
        {
            if (call.IsPast(now)) call.Fail(null);
        }
    }
}
