using System;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Transport;

/// <summary>
/// One full-duplex connection carrying frames. Exactly one writer loop owns the outbound side,
/// so callers on any thread may <see cref="SendAsync"/> concurrently.
/// </summary>
public interface IFrameConnection : IAsyncDisposable
{
    /// <summary>A printable description of the remote end, for logs and errors.</summary>
    string RemoteAddress { get; }

    /// <summary>
    /// Begins delivering inbound frames to <paramref name="sink"/>. Called once. Frames are delivered
    /// one at a time, in order, on the connection's reader loop.
    /// </summary>
    void Start(IFrameSink sink);

    /// <summary>
    /// Queues one frame. The transport takes ownership of <paramref name="frame"/> and returns its
    /// buffer to the pool once written. Waits while the bounded send queue is full (backpressure).
    /// Throws <see cref="ConnectionClosedException"/> once the connection is closed.
    /// </summary>
    ValueTask SendAsync(OutboundFrame frame, CancellationToken cancellationToken);

    /// <summary>Closes the connection at once; queued frames are dropped. Idempotent.</summary>
    void Abort(Exception? reason);

    /// <summary>Completes when both loops have ended. Never faults.</summary>
    Task Completion { get; }
}
