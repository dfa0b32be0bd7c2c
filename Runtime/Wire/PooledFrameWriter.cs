using System;
using System.Buffers;
using Tessera.Transport;

namespace Tessera.Wire;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="FrameBuffers"/>, whose buffer is handed
/// to the transport as an <see cref="OutboundFrame"/> without another copy. After <see cref="Detach"/>
/// it starts over with a fresh buffer, so one writer can encode frame after frame.
/// </summary>
internal sealed class PooledFrameWriter : IBufferWriter<byte>
{
    private byte[] _buffer = Array.Empty<byte>();
    private int _written;

    public int WrittenCount => _written;

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _written)) throw new ArgumentOutOfRangeException(nameof(count));
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Gives up the buffer to the frame; the next write rents a new one.</summary>
    public OutboundFrame Detach()
    {
        // A frame always owns a pooled buffer, even one with nothing written.
        Ensure(0);
        var frame = new OutboundFrame(_buffer, _written);
        _buffer = Array.Empty<byte>();
        _written = 0;
        return frame;
    }

    /// <summary>Drops what was written (a failed encode), keeping the buffer for the next frame.</summary>
    public void Reset() => _written = 0;

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed) return;
        var larger = FrameBuffers.Rent(Math.Max(Math.Max(_buffer.Length * 2, FrameBuffers.SmallSize), _written + needed));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        if (_buffer.Length > 0) FrameBuffers.Return(_buffer);
        _buffer = larger;
    }
}
