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

    /// <summary>Called exactly once, when the connection has closed for any reason.</summary>
    void OnClosed(IFrameConnection connection, Exception? reason);
}
