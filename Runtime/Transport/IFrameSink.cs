using System;
using System.Buffers;

namespace Tessera.Transport;

/// <summary>Receives what arrives on a connection.</summary>
public interface IFrameSink
{
    /// <summary>
    /// One whole frame (without its length prefix). The memory is valid only during the call.
    /// Throwing closes this connection (and only this one) with that exception as the reason.
    /// </summary>
    void OnFrame(IFrameConnection connection, ReadOnlySequence<byte> frame);

    /// <summary>
    /// The longest frame this sink takes next, below the transport's own limit. A longer length prefix closes the
    /// connection with <see cref="FrameTooLargeException"/> as soon as it is read, before its body is buffered.
    /// </summary>
    int NextFrameLimit => int.MaxValue;

    /// <summary>Called exactly once, when the connection has closed for any reason.</summary>
    void OnClosed(IFrameConnection connection, Exception? reason);
}
