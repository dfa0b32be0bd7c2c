using System;
using System.Buffers;
using System.Buffers.Binary;

namespace Tessera.Transport.Framing;

/// <summary>
/// The wire framing shared by every stream transport: a 4-byte little-endian unsigned body length,
/// then the body. Pure, so it can be tested without sockets.
/// </summary>
internal static class FrameParser
{
    public const int HeaderSize = sizeof(uint);

    /// <summary>
    /// Slices the next whole frame off the front of <paramref name="buffer"/>. Returns false, leaving
    /// <paramref name="buffer"/> untouched, while the frame is still incomplete.
    /// </summary>
    /// <exception cref="FrameTooLargeException">The length prefix announces more than <paramref name="maxFrameSize"/>
    /// bytes; thrown as soon as the prefix is readable, so the body is never buffered.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < HeaderSize) return false;

        uint length = ReadLength(buffer);
        if (length > (uint)maxFrameSize) throw new FrameTooLargeException(length, maxFrameSize);
        if (buffer.Length - HeaderSize < length) return false;

        frame = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(frame.End);
        return true;
    }

    public static void WriteHeader(Span<byte> destination, int bodyLength) =>
        BinaryPrimitives.WriteUInt32LittleEndian(destination, checked((uint)bodyLength));

    private static uint ReadLength(in ReadOnlySequence<byte> buffer)
    {
        var first = buffer.FirstSpan;
        if (first.Length >= HeaderSize) return BinaryPrimitives.ReadUInt32LittleEndian(first);

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        return BinaryPrimitives.ReadUInt32LittleEndian(header);
    }
}
