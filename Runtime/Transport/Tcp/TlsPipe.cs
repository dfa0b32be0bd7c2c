using System;
using System.IO;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Transport.Tcp;

/// <summary>
/// The framed connection's pipes over a TLS stream, read and written by the connection's own loops, with no pump
/// of their own. Completing the output without an error ends the TLS session (close_notify), which the peer reads
/// as the end of the stream, as it reads a plain socket's shut send side: a graceful close need not wait out its
/// timeout. The pipe owns the stream, and the stream the socket.
/// </summary>
/// <remarks>
/// The stream pipes throw where <see cref="Pipe"/>'s ends do nothing: cancelling a read or a flush after that end
/// completed. The connection does both when it closes, so the ends here keep <see cref="Pipe"/>'s behaviour.
/// </remarks>
internal sealed class TlsPipe : IDuplexPipe, IDisposable
{
    private readonly SslStream _stream;

    public TlsPipe(SslStream stream)
    {
        _stream = stream;
        Input = new Reader(PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)));
        Output = new Writer(PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)), stream);
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>
    /// On the pool: the connection disposes its resource from the continuation of its last read, and an
    /// <see cref="SslStream"/> is not to be disposed from inside the completion of its own read.
    /// </summary>
    public void Dispose() => ThreadPool.UnsafeQueueUserWorkItem(static stream => stream.Dispose(), _stream, preferLocal: false);

    private sealed class Reader(PipeReader inner) : PipeReader
    {
        private volatile bool _completed;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => inner.ReadAsync(cancellationToken);

        public override bool TryRead(out ReadResult result) => inner.TryRead(out result);

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead()
        {
            if (_completed) return;
            try
            {
                inner.CancelPendingRead();
            }
            catch (ObjectDisposedException)
            {
                // Completed on another thread meanwhile: there is no read left to cancel.
            }
        }

        public override void Complete(Exception? exception = null)
        {
            _completed = true;
            inner.Complete(exception);
        }
    }

    private sealed class Writer(PipeWriter inner, SslStream stream) : PipeWriter
    {
        // A peer that reads nothing must not hold a closing connection: the TLS stream cannot cancel its close_notify.
        private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

        private volatile bool _completed;
        private volatile bool _aborted;

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        /// <summary>The connection is closing: a write under way stops, and completing sends nothing more.</summary>
        public override void CancelPendingFlush()
        {
            _aborted = true;
            try
            {
                // Also reaches the last write of CompleteAsync, which the stream pipe makes with this same token.
                inner.CancelPendingFlush();
            }
            catch (ObjectDisposedException)
            {
                // Completed meanwhile: there is no write left to cancel.
            }
        }

        public override void Complete(Exception? exception = null)
        {
            _completed = true;
            inner.Complete(exception);
        }

        public override async ValueTask CompleteAsync(Exception? exception = null)
        {
            if (_completed) return;
            _completed = true;
            if (exception is not null || _aborted)
            {
                // With an exception the stream pipe drops what is buffered instead of writing it.
                inner.Complete(exception ?? new OperationCanceledException("The connection closed."));
                return;
            }
            try
            {
                await inner.CompleteAsync().ConfigureAwait(false);
                if (_aborted) return;
                await stream.ShutdownAsync().WaitAsync(ShutdownTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Disposing the stream is what ends a write the peer never reads.
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or InvalidOperationException or OperationCanceledException)
            {
                // The peer or this side's close got there first; disposing the stream ends the session anyway.
            }
        }
    }
}
