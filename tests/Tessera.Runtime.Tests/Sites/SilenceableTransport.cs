using Tessera.Transport;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>
/// Makes a site go quiet without dying: while silenced, every frame it sends waits, and all of them leave in
/// order once it is heard again. To its peers the site looks cut off (TempFail), never closed.
/// </summary>
internal sealed class SilenceableTransport(ITransport inner) : ITransport
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _heard;

    public string? LocalAddress => inner.LocalAddress;

    public void Silence()
    {
        lock (_gate) _heard ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Hear()
    {
        TaskCompletionSource? heard;
        lock (_gate) (heard, _heard) = (_heard, null);
        heard?.TrySetResult();
    }

    public ValueTask<string> ListenAsync(string address, Action<IFrameConnection> onAccepted, CancellationToken cancellationToken)
        => inner.ListenAsync(address, connection => onAccepted(new Connection(connection, this)), cancellationToken);

    public async ValueTask<IFrameConnection> ConnectAsync(string address, CancellationToken cancellationToken)
        => new Connection(await inner.ConnectAsync(address, cancellationToken), this);

    public ValueTask DisposeAsync()
    {
        Hear();
        return inner.DisposeAsync();
    }

    private Task? Silenced()
    {
        lock (_gate) return _heard?.Task;
    }

    /// <summary>Keeps the order of its frames: one that comes while earlier ones wait goes out after them.</summary>
    private sealed class Connection(IFrameConnection inner, SilenceableTransport transport) : IFrameConnection
    {
        private readonly Lock _order = new();
        private Task _last = Task.CompletedTask;

        public string RemoteAddress => inner.RemoteAddress;

        public Task Completion => inner.Completion;

        public void Start(IFrameSink sink) => inner.Start(sink);

        public ValueTask SendAsync(OutboundFrame frame, CancellationToken cancellationToken)
        {
            lock (_order)
            {
                var silenced = transport.Silenced();
                if (silenced is null && _last.IsCompleted) return inner.SendAsync(frame, cancellationToken);
                _last = SendAfterAsync(_last, silenced, frame, cancellationToken);
                return new ValueTask(_last);
            }
        }

        private async Task SendAfterAsync(Task earlier, Task? silenced, OutboundFrame frame, CancellationToken cancellationToken)
        {
            await earlier.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (silenced is not null) await silenced.WaitAsync(cancellationToken);
            await inner.SendAsync(frame, cancellationToken);
        }

        public void Abort(Exception? reason) => inner.Abort(reason);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
