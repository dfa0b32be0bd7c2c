using System;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Infrastructure;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Stationary;

/// <summary>
/// One call at home, from its request to its reply: the thread-pool work item that runs it, and its
/// cancellation. The source and its timer are made only when the method asks for its token, so a method
/// that takes none costs neither; a CancelCall that comes first is remembered for when it does ask.
/// </summary>
internal sealed class RunningCall : IThreadPoolWorkItem, IInvocationCancellation
{
    // Put in place of the source once the call has ended, so a late ask makes no source nobody disposes.
    private static readonly CancellationTokenSource Ended = new();

    private readonly StationaryServer _server;
    private readonly CancellableCalls _cancellable;
    private readonly TimeProvider _time;
    private CancellationTokenSource? _source;
    private long _startedOnClock;
    private TimeSpan _timeout;
    private int _cancelRequested;
    private int _watched;

    public RunningCall(StationaryServer server, CancellableCalls cancellable, TimeProvider time, PeerConnection caller, ReceivedCall request)
    {
        _server = server;
        _cancellable = cancellable;
        _time = time;
        Caller = caller;
        Request = request;
    }

    public PeerConnection Caller { get; }

    public ReceivedCall Request { get; }

    /// <summary>Whether the call was cancelled, by the caller or by its timeout, while the method could see it.</summary>
    public bool IsCancellationRequested => Volatile.Read(ref _source) is { } source && source != Ended && source.IsCancellationRequested;

    public CancellationToken Token
    {
        get
        {
            var source = Volatile.Read(ref _source);
            if (source is null)
            {
                var remaining = _timeout - _time.GetElapsedTime(_startedOnClock);
                var fresh = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time);
                source = Interlocked.CompareExchange(ref _source, fresh, null) ?? fresh;
                if (source != fresh) fresh.Dispose();
                else Watch(fresh);
            }
            return source == Ended ? CancellationToken.None : source.Token;
        }
    }

    void IThreadPoolWorkItem.Execute() => _ = _server.RunAsync(this);

    /// <summary>Starts the timeout, which runs from here whether or not the method ever asks for its token.</summary>
    public void StartTimeout(TimeSpan timeout)
    {
        _timeout = timeout;
        _startedOnClock = _time.GetTimestamp();
    }

    /// <summary>The caller gave up.</summary>
    public void Cancel()
    {
        Interlocked.Exchange(ref _cancelRequested, 1);
        if (Volatile.Read(ref _source) is { } source && source != Ended) _ = CancelAsync(source);
    }

    /// <summary>The method has finished: nothing may cancel it any more.</summary>
    public void End()
    {
        var source = Interlocked.Exchange(ref _source, Ended);
        if (source != Ended) source?.Dispose();
        // After the exchange: a Watch that comes later sees Ended and unwatches itself.
        if (Volatile.Read(ref _watched) != 0) _cancellable.Unwatch(this);
    }

    /// <summary>
    /// Lets CancelCalls reach the call now that its method holds a token. Read after the source is published: a
    /// CancelCall either sees the source or is seen here. Nothing is registered on the fresh source yet, so
    /// cancelling it runs no user code.
    /// </summary>
    private void Watch(CancellationTokenSource fresh)
    {
        Volatile.Write(ref _watched, 1);
        var cancelledFirst = _cancellable.Watch(this);
        if (Volatile.Read(ref _source) == Ended) _cancellable.Unwatch(this);
        else if (cancelledFirst || Volatile.Read(ref _cancelRequested) != 0) fresh.Cancel();
    }

    // Off the reader loop: token callbacks are user code, and the call may finish (and dispose its source)
    // at this very moment.
    private static async Task CancelAsync(CancellationTokenSource source)
    {
        try
        {
            await source.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
        catch (AggregateException)
        {
            // A throwing cancellation callback is the method's own problem; the call still ends by its deadline.
        }
    }
}
