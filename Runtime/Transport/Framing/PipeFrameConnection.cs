using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Tessera.Transport.Framing;

/// <summary>
/// A framed connection over any duplex pipe: a socket for TCP, a pair of in-process pipes for the
/// in-memory transport. One reader loop feeds the sink; one writer loop drains the bounded send queue.
/// </summary>
internal sealed class PipeFrameConnection : IFrameConnection
{
    // Flushing once per batch saves syscalls, but an unbounded batch of large frames would pile up in the
    // pipe before the socket saw any of it.
    private const int MaxBatchBytes = 256 * 1024;

    private static readonly TimeSpan GracefulCloseTimeout = TimeSpan.FromSeconds(2);

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly IDisposable? _resource;
    private readonly int _maxFrameSize;
    private readonly ILogger _logger;
    private readonly SendQueue _sendQueue;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();

    private IFrameSink? _sink;
    private bool _started;
    private bool _closed;
    private bool _closeNotified;
    private Exception? _closeReason;

    // The reader counts as running before Start, so Completion cannot fire until the inbound side is settled too.
    private int _runningLoops = 2;

    // The resource (the socket under a TCP pipe) is only released once neither loop can touch the pipe.
    public PipeFrameConnection(IDuplexPipe pipe, string remoteAddress, TransportOptions options, ILogger logger, IDisposable? resource)
    {
        _input = pipe.Input;
        _output = pipe.Output;
        _resource = resource;
        _maxFrameSize = options.MaxFrameSize;
        _logger = logger;
        RemoteAddress = remoteAddress;
        _sendQueue = new SendQueue(options.SendQueueCapacity);

        // Sends are legal before Start, so the writer runs from the outset.
        StartLoop(RunWriterAsync);
    }

    public string RemoteAddress { get; }

    public Task Completion => _completion.Task;

    private bool IsClosed => Volatile.Read(ref _closed);

    public void Start(IFrameSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        bool alreadyClosed;
        lock (_gate)
        {
            if (_started) throw new InvalidOperationException("The connection was already started.");
            _started = true;
            _sink = sink;
            alreadyClosed = _closed;
        }

        if (alreadyClosed)
        {
            NotifyClosed();
            return;
        }

        // Off the caller's stack: buffered frames must not reach the sink from inside Start.
        StartLoop(RunReaderAsync);
    }

    public ValueTask SendAsync(OutboundFrame frame, CancellationToken cancellationToken)
    {
        if (frame.Length > _maxFrameSize)
        {
            frame.Return();
            return ValueTask.FromException(new FrameTooLargeException(frame.Length, _maxFrameSize));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            frame.Return();
            return ValueTask.FromCanceled(cancellationToken);
        }

        var queued = _sendQueue.EnqueueAsync(frame, cancellationToken);
        if (!queued.IsCompletedSuccessfully) return AwaitQueuedAsync(queued, frame);
        if (queued.Result) return ValueTask.CompletedTask;
        frame.Return();
        return ValueTask.FromException(ClosedException());
    }

    public void Abort(Exception? reason) => Close(reason);

    /// <summary>
    /// Stops taking new frames, lets the queued ones reach the wire, then waits (bounded) for the peer to
    /// close its side so nothing in flight is cut off by a reset.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _sendQueue.Complete();
        try
        {
            await Completion.WaitAsync(GracefulCloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Close(null);
            await Completion.ConfigureAwait(false);
        }
    }

    private async ValueTask AwaitQueuedAsync(ValueTask<bool> queued, OutboundFrame frame)
    {
        bool accepted;
        try
        {
            accepted = await queued.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            frame.Return();
            throw;
        }
        if (accepted) return;
        frame.Return();
        throw ClosedException();
    }

    private ConnectionClosedException ClosedException()
    {
        Exception? reason;
        lock (_gate) reason = _closeReason;
        return new ConnectionClosedException($"The connection to {RemoteAddress} is closed.", reason);
    }

    private void Close(Exception? reason)
    {
        bool readerStarted;
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            _closeReason = reason;
            readerStarted = _started;
        }

        _sendQueue.Complete();
        _output.CancelPendingFlush();
        if (readerStarted)
        {
            _input.CancelPendingRead();
        }
        else
        {
            // No reader loop exists or ever will, so completing the input here cannot race with one.
            _input.Complete();
            LoopEnded();
        }
    }

    /// <summary>
    /// Starts a loop outside the caller's flow: the loops outlive the call that made or started the connection,
    /// and would otherwise carry its async-locals (its <c>Activity.Current</c> among them) into every frame.
    /// </summary>
    private static void StartLoop(Func<Task> loop)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            _ = Task.Run(loop);
            return;
        }
        using (ExecutionContext.SuppressFlow()) _ = Task.Run(loop);
    }

    private async Task RunReaderAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled || IsClosed) break;

                var buffer = result.Buffer;
                try
                {
                    DeliverFrames(ref buffer);
                }
                catch (Exception ex)
                {
                    TransportLog.ProtocolError(_logger, RemoteAddress, ex);
                    error = ex;
                    break;
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        error = new ConnectionClosedException($"{RemoteAddress} closed the connection in the middle of a frame.");
                    }

                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        _input.Complete();
        Close(error);
        LoopEnded();
    }

    private void DeliverFrames(ref ReadOnlySequence<byte> buffer)
    {
        var sink = _sink!;
        while (!IsClosed && FrameParser.TryReadFrame(ref buffer, Math.Min(_maxFrameSize, sink.NextFrameLimit), out var frame))
        {
            sink.OnFrame(this, frame);
        }
    }

    private async Task RunWriterAsync()
    {
        var queue = _sendQueue;
        Exception? error = null;
        bool drained = false;
        try
        {
            long unflushed = 0;
            while (!IsClosed)
            {
                if (queue.TryDequeue(out var frame))
                {
                    WriteFrame(frame);
                    unflushed += FrameParser.HeaderSize + frame.Length;
                    if (unflushed < MaxBatchBytes) continue;
                }
                else if (unflushed == 0)
                {
                    if (await queue.WaitToReadAsync().ConfigureAwait(false)) continue;
                    drained = true;
                    break;
                }

                unflushed = 0;
                var flush = await _output.FlushAsync().ConfigureAwait(false);
                if (flush.IsCanceled || flush.IsCompleted) break;
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        // Completing the output after a drain is what tells the peer, in order, that nothing more follows.
        await CompleteOutputAsync().ConfigureAwait(false);
        if (drained && error is null)
        {
            OnSendSideDrained();
        }
        else
        {
            Close(error);
        }

        while (queue.TryDequeue(out var undelivered)) undelivered.Return();
        LoopEnded();
    }

    /// <summary>Asynchronously, since over TLS completing the output also ends the session, which is a write.</summary>
    private async ValueTask CompleteOutputAsync()
    {
        try
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The stream under the pipe failed to end cleanly: the connection closes either way, and must, so this loop goes on.
            TransportLog.ProtocolError(_logger, RemoteAddress, ex);
        }
    }

    private void WriteFrame(OutboundFrame frame)
    {
        try
        {
            FrameParser.WriteHeader(_output.GetSpan(FrameParser.HeaderSize), frame.Length);
            _output.Advance(FrameParser.HeaderSize);
            _output.Write(frame.Memory.Span);
        }
        finally
        {
            frame.Return();
        }
    }

    private void OnSendSideDrained()
    {
        bool readerStarted;
        lock (_gate) readerStarted = _started;

        // Without a reader nobody would notice the peer closing, so there is nothing left to wait for.
        if (!readerStarted) Close(null);
    }

    private void LoopEnded()
    {
        if (Interlocked.Decrement(ref _runningLoops) != 0) return;

        _resource?.Dispose();
        TransportLog.Closed(_logger, RemoteAddress, _closeReason);
        NotifyClosed();
        _completion.TrySetResult();
    }

    private void NotifyClosed()
    {
        IFrameSink? sink;
        Exception? reason;
        lock (_gate)
        {
            if (_sink is null || _closeNotified) return;
            _closeNotified = true;
            sink = _sink;
            reason = _closeReason;
        }

        try
        {
            sink.OnClosed(this, reason);
        }
        catch (Exception ex)
        {
            TransportLog.SinkClosedFailed(_logger, RemoteAddress, ex);
        }
    }
}
