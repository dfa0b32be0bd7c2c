using System;

namespace Tessera.Transport;

/// <summary>
/// A frame body in a buffer rented from <see cref="FrameBuffers"/>. Whoever holds it last
/// calls <see cref="Return"/>; after <see cref="IFrameConnection.SendAsync"/> that is the transport.
/// </summary>
public readonly struct OutboundFrame
{
    // Internal: the transport returns the buffer to FrameBuffers, so it must have come from there.
    internal OutboundFrame(byte[] buffer, int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
        Buffer = buffer;
        Length = length;
    }

    public byte[] Buffer { get; }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    /// <summary>Copies <paramref name="body"/> into a pooled buffer.</summary>
    public static OutboundFrame Copy(ReadOnlySpan<byte> body)
    {
        var buffer = FrameBuffers.Rent(Math.Max(1, body.Length));
        body.CopyTo(buffer);
        return new OutboundFrame(buffer, body.Length);
    }

    public void Return() => FrameBuffers.Return(Buffer);
}
