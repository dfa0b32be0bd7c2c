using System.Buffers;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>
/// Holds the migratory tokens a site sends while closed, so a test can keep a state in flight, the moment
/// when its sender has handed it on and its receiver does not have it yet, for as long as it needs.
/// </summary>
internal sealed class TokenHoldingTransport(ITransport inner) : ITransport
{
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    /// <summary>Tokens sent since <see cref="Close"/> and not let through yet.</summary>
    public int Held => Volatile.Read(ref _held);

    public string? LocalAddress => inner.LocalAddress;

    /// <summary>From now on, tokens wait until <see cref="Open"/>.</summary>
    public void Close() => _closed.TrySetResult();

    /// <summary>Lets every held token, and every later one, through.</summary>
    public void Open() => _opened.TrySetResult();

    public ValueTask<string> ListenAsync(string address, Action<IFrameConnection> onAccepted, CancellationToken cancellationToken)
        => inner.ListenAsync(address, connection => onAccepted(new Connection(connection, this)), cancellationToken);

    public async ValueTask<IFrameConnection> ConnectAsync(string address, CancellationToken cancellationToken)
        => new Connection(await inner.ConnectAsync(address, cancellationToken), this);

    public ValueTask DisposeAsync()
    {
        Open();
        return inner.DisposeAsync();
    }

    private async ValueTask HoldIfTokenAsync(OutboundFrame frame, CancellationToken cancellationToken)
    {
        if (!_closed.Task.IsCompleted || _opened.Task.IsCompleted || !IsToken(frame)) return;
        Interlocked.Increment(ref _held);
        await _opened.Task.WaitAsync(cancellationToken);
    }

    private static bool IsToken(OutboundFrame frame)
    {
        try
        {
            return WireCodec.Decode(new ReadOnlySequence<byte>(frame.Memory)) is StateToken;
        }
        catch (ProtocolViolationException)
        {
            // Handshake frames have a fixed layout of their own.
            return false;
        }
    }

    private sealed class Connection(IFrameConnection inner, TokenHoldingTransport transport) : IFrameConnection
    {
        public string RemoteAddress => inner.RemoteAddress;

        public Task Completion => inner.Completion;

        public void Start(IFrameSink sink) => inner.Start(sink);

        public async ValueTask SendAsync(OutboundFrame frame, CancellationToken cancellationToken)
        {
            await transport.HoldIfTokenAsync(frame, cancellationToken);
            await inner.SendAsync(frame, cancellationToken);
        }

        public void Abort(Exception? reason) => inner.Abort(reason);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
