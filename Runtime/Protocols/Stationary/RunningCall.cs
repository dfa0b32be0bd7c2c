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
/// <remarks>
/// Reused call after call (<see cref="StationaryServer"/> pools them), so a call costs no object of its own.
/// Each call is a generation: an <see cref="InvocationContext"/> kept past its call, or a CancelCall that
/// finds this object serving a later call, is checked against it and changes nothing.
/// </remarks>
internal sealed class RunningCall : IThreadPoolWorkItem, IInvocationCancellation
{
    private readonly StationaryServer _server;
    private readonly CancellableCalls _cancellable;
    private readonly TimeProvider _time;

    // Start, end, cancel and the first ask for the token race with one another; each holds this briefly.
    private readonly Lock _gate = new();
    private CancellationTokenSource? _source;
    private PeerConnection? _caller;
    private ReceivedCall _request;
    private int _generation;
    private bool _ended;
    private bool _cancelRequested;
    private bool _watched;
    private long _startedOnClock;
    private TimeSpan _timeout;

    public RunningCall(StationaryServer server, CancellableCalls cancellable, TimeProvider time)
    {
        _server = server;
        _cancellable = cancellable;
        _time = time;
    }

    /// <summary>The caller of the current call; set from <see cref="Begin"/> to <see cref="Clear"/>.</summary>
    public PeerConnection Caller => _caller!;

    public ReceivedCall Request => _request;

    /// <summary>The object called, looked up when the call arrived; null if home exports nothing under its key.</summary>
    public ExportedEntity? Target { get; private set; }

    /// <summary>Whether the call was cancelled, by the caller or by its timeout, while the method could see it.</summary>
    public bool IsCancellationRequested
    {
        get
        {
            lock (_gate) return _source is { IsCancellationRequested: true };
        }
    }

    /// <summary>Takes on a new call.</summary>
    public void Begin(PeerConnection caller, ReceivedCall request, ExportedEntity? target)
    {
        lock (_gate)
        {
            _caller = caller;
            _request = request;
            Target = target;
            _generation++;
            _ended = false;
            _cancelRequested = false;
            _watched = false;
        }
    }

    /// <summary>What the invocation of this call may know of it.</summary>
    public InvocationContext Context(Site site) => new(site, this, Volatile.Read(ref _generation));

    void IThreadPoolWorkItem.Execute() => _ = _server.RunAsync(this);

    /// <summary>Starts the timeout, which runs from here whether or not the method ever asks for its token.</summary>
    public void StartTimeout(TimeSpan timeout)
    {
        _timeout = timeout;
        _startedOnClock = _time.GetTimestamp();
    }

    /// <summary>
    /// The token of call <paramref name="generation"/>, made now if this is the first ask: from then on a
    /// CancelCall reaches it. A call that has ended, or a later call, gets <see cref="CancellationToken.None"/>.
    /// </summary>
    public CancellationToken TokenFor(int generation)
    {
        lock (_gate)
        {
            if (generation != _generation || _ended) return CancellationToken.None;
            if (_source is { } made) return made.Token;
            var remaining = _timeout - _time.GetElapsedTime(_startedOnClock);
            var source = _source = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time);
            _watched = true;
            // Nothing is registered on the fresh source yet, so cancelling it here runs no user code.
            if (_cancellable.Watch(this) || _cancelRequested) source.Cancel();
            return source.Token;
        }
    }

    /// <summary>The caller gave up on call <paramref name="callId"/>; nothing happens if this object serves another call now.</summary>
    public void Cancel(PeerConnection caller, long callId)
    {
        CancellationTokenSource? source;
        lock (_gate)
        {
            if (_ended || _caller != caller || _request.CallId != callId) return;
            _cancelRequested = true;
            source = _source;
        }
        if (source is not null) _ = CancelAsync(source);
    }

    /// <summary>The method has finished: nothing may cancel it any more.</summary>
    public void End()
    {
        CancellationTokenSource? source;
        bool watched;
        lock (_gate)
        {
            _ended = true;
            source = _source;
            _source = null;
            watched = _watched;
        }
        source?.Dispose();
        if (watched) _cancellable.Unwatch(this);
    }

    /// <summary>
    /// Lets go of the call's connection and trace context before the object waits in the pool. A call refused
    /// before its method ran (unknown object, killed) never saw <see cref="End"/>; it is ended here.
    /// </summary>
    public void Clear()
    {
        lock (_gate)
        {
            _ended = true;
            _caller = null;
            _request = default;
            Target = null;
        }
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
