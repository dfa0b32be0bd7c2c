using System;
using System.Buffers;
using Tessera.Transport;

namespace Tessera.Wire;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from the shared pool, whose buffer is handed
/// to the transport as an <see cref="OutboundFrame"/> without another copy.
/// </summary>
internal sealed class PooledFrameWriter : IBufferWriter<byte>
{
    private byte[] _buffer;
    private int _written;

    public PooledFrameWriter(int initialCapacity = 256) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

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

    /// <summary>Gives up the buffer; this writer must not be used afterwards.</summary>
    public OutboundFrame Detach()
    {
        var frame = new OutboundFrame(_buffer, _written);
        _buffer = Array.Empty<byte>();
        _written = 0;
        return frame;
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed) return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + needed));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
