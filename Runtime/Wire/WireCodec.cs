using System;
using System.Buffers;
using MemoryPack;
using Tessera.Transport;

namespace Tessera.Wire;

/// <summary>Turns wire messages into frame bodies and back.</summary>
internal static class WireCodec
{
    public static OutboundFrame Encode(WireMessage message)
    {
        var writer = new PooledFrameWriter();
        MemoryPackSerializer.Serialize(writer, message);
        return writer.Detach();
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
        return message ?? throw new ProtocolViolationException("A frame decoded to an empty message.");
    }
}
