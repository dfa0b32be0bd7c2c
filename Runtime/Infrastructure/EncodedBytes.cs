using System;
using System.ComponentModel;
using Tessera.Transport;

namespace Tessera.Infrastructure;

/// <summary>
/// Encoded arguments or an encoded result on their way between generated code and a frame. Bytes encoded
/// here or read from a frame sit in an array rented from the frame pool, which whoever consumes them last
/// gives back (<see cref="Return"/>), so a call allocates no array for its arguments or its result. Bytes
/// that came another way (a message MemoryPack decoded) are wrapped as they are and never given back.
/// </summary>
/// <remarks>A copy of this struct shares the array: exactly one holder may call <see cref="Return"/>, once.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct EncodedBytes
{
    private readonly byte[]? _array;
    private readonly int _length;
    private readonly bool _pooled;

    private EncodedBytes(byte[] array, int length, bool pooled)
    {
        _array = array;
        _length = length;
        _pooled = pooled;
    }

    public ReadOnlySpan<byte> Span => new(_array, 0, _length);

    public int Length => _length;

    /// <summary>Bytes that are not pooled, such as a decoded message's array; <see cref="Return"/> leaves them alone.</summary>
    public static EncodedBytes Of(byte[] bytes) => new(bytes, bytes.Length, pooled: false);

    /// <summary>Bytes in <paramref name="array"/>, rented from the frame pool.</summary>
    internal static EncodedBytes Pooled(byte[] array, int length) => new(array, length, pooled: true);

    /// <summary>A pooled copy of <paramref name="bytes"/>; empty bytes take no array.</summary>
    internal static EncodedBytes CopyOf(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return default;
        var array = FrameBuffers.Rent(bytes.Length);
        bytes.CopyTo(array);
        return new EncodedBytes(array, bytes.Length, pooled: true);
    }

    /// <summary>A copy in an array of its own, for bytes kept past the call that produced them.</summary>
    public byte[] ToArray() => Span.ToArray();

    /// <summary>Gives a pooled array back to the pool. The bytes must not be read afterwards.</summary>
    public void Return()
    {
        if (_pooled) FrameBuffers.Return(_array!);
    }
}
