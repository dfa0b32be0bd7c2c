using System;
using System.Buffers;
using MemoryPack;
using Tessera.Transport;

namespace Tessera.Wire;

/// <summary>Turns wire messages into frame bodies and back.</summary>
internal static class WireCodec
{
    // One writer per thread instead of one per message. It is taken out of the slot while in use, so an
    // encode nested inside another (none today) would get its own writer rather than share a half-written one.
    [ThreadStatic]
    private static PooledFrameWriter? t_writer;

    public static OutboundFrame Encode(WireMessage message)
    {
        var writer = t_writer ?? new PooledFrameWriter();
        t_writer = null;
        try
        {
            MemoryPackSerializer.Serialize(writer, message);
            return writer.Detach();
        }
        catch
        {
            writer.Reset();
            throw;
        }
        finally
        {
            t_writer = writer;
        }
    }

    /// <exception cref="ProtocolViolationException">The frame is not a wire message this version knows.</exception>
    public static WireMessage Decode(in ReadOnlySequence<byte> frame)
    {
        WireMessage? message;
        try
        {
            message = MemoryPackSerializer.Deserialize<WireMessage>(frame);
        }
        catch (Exception ex) when (ex is MemoryPackSerializationException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException)
        {
            throw new ProtocolViolationException($"A frame of {frame.Length} bytes is not a valid Tessera message: {ex.Message}", ex);
        }
        if (message is null) throw new ProtocolViolationException("A frame decoded to an empty message.");
        if (message.FindNullField() is { } missing) throw new ProtocolViolationException($"A frame of {frame.Length} bytes is not a valid Tessera message: it is a {message.GetType().Name}, but {missing}.");
        return message;
    }
}
