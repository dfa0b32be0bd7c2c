using System;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Infrastructure;
using Tessera.Sites;
using Tessera.Wire;

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
    private readonly PendingCallTable _pending;
    private readonly Slots _window;
    private readonly TimeProvider _time;
    // Coarse: every call carries a deadline stamp, seconds away and checked once per sweep.
    private readonly CoarseClock _clock;
    private readonly ITimer _sweep;

    public AsyncChannel(PeerConnection connection, int window, TimeSpan timeout, TimeProvider time)
    {
        Connection = connection;
        Timeout = timeout;
        _time = time;
        _window = new Slots(window);
        _pending = new PendingCallTable(window);
        _clock = new CoarseClock(time);
        // A timer rounds its period down to whole milliseconds, and one of 0 fires once and never again.
        var period = TimeSpan.FromTicks(Math.Max(timeout.Ticks / 8, TimeSpan.TicksPerMillisecond));
        _sweep = time.CreateTimer(static state => ((AsyncChannel)state!).Sweep(), this, period, period);
    }

    public PeerConnection Connection { get; }

    public TimeSpan Timeout { get; }

    public int Outstanding => _pending.Count;

    /// <summary>
    /// Takes a window slot for <paramref name="call"/>, waiting while the window is full, until the call's deadline.
    /// Blocking is the point: a send past the bound waits (like a Mozart port under flow control) rather than
    /// queueing without limit or dropping.
    /// </summary>
    public void Acquire(PendingAsyncCall call, CancellationToken cancellationToken)
    {
        if (!_window.Take(_time, _clock.Until(call.Deadline), cancellationToken))
            throw new CallTimeoutException($"An async call to {Connection}, waiting for room among the calls outstanding there,", Timeout, mayHaveRun: false);
    }

    /// <summary>Whether calls can still go out on this channel; a closed one is replaced by the next call.</summary>
    public bool IsOpen => !Connection.IsClosed;

    public long Register(PendingAsyncCall call)
    {
        call.Start(this);
        return _pending.Add(call);
    }

    /// <summary>Tells home the caller gave up on call <paramref name="id"/>; best effort, as the reply may already be on its way.</summary>
    public void SendCancel(long id)
    {
        ValueTask send;
        try
        {
            send = Connection.SendAsync(new AsyncCancel { CallId = id }, CancellationToken.None);
        }
        catch (TesseraException)
        {
            return;
        }
        if (!send.IsCompletedSuccessfully) _ = ObserveAsync(send);
    }

    public bool TryTake(long id, out PendingAsyncCall call) => _pending.TryGet(id, out call);

    /// <summary>Called once per call, by whichever outcome ended it.</summary>
    public void Release(long id)
    {
        if (_pending.Remove(id)) _window.Release();
    }

    public void FailAll(Exception reason)
    {
        foreach (var call in _pending.Snapshot()) call.Fail(reason);
    }

    public void Dispose() => _sweep.Dispose();

    private static async Task ObserveAsync(ValueTask send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
        {
            // The connection is closing: home's call ends by its own deadline.
        }
    }

    private void Sweep()
    {
        var now = _clock.Now;
        foreach (var call in _pending.Snapshot())
        {
            if (call.IsPast(now)) call.Fail(null);
        }
    }
}
