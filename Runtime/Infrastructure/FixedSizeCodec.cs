using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MemoryPack;
using MemoryPack.Formatters;
using Tessera.Transport;

namespace Tessera.Infrastructure;

/// <summary>
/// For generated code: encodes and decodes arguments and results made only of fixed-size values (numbers,
/// <c>bool</c>, <c>char</c>, enums) without MemoryPack's writer and reader, whose pooled state costs a shared-queue
/// rent and return per call. The bytes are exactly MemoryPack's for such values, each value's memory in turn,
/// so both ends may use either path. Generated code takes this path only while <see cref="IsRaw{T}"/> holds for
/// every value's type, so a formatter the application registers with MemoryPack (say, for an enum) is honoured.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FixedSizeCodec
{
    /// <summary>
    /// Whether MemoryPack writes <typeparamref name="T"/> as its raw memory, as this codec does: false when the
    /// application registered a formatter of its own for it. Read once per type, at its first call: a formatter
    /// must be registered before the first call that carries the type.
    /// </summary>
    public static bool IsRaw<T>() where T : unmanaged => RawFormat<T>.Value;

    /// <summary>Pooled bytes of <paramref name="length"/> (at least 1), for <see cref="Write"/> to fill.</summary>
    public static EncodedBytes Rent(int length, out Span<byte> bytes)
    {
        var array = FrameBuffers.Rent(length);
        bytes = array.AsSpan(0, length);
        return EncodedBytes.Pooled(array, length);
    }

    public static void Write<T>(Span<byte> bytes, int offset, T value) where T : unmanaged
        => Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(bytes.Slice(offset, Unsafe.SizeOf<T>())), value);

    public static T Read<T>(ReadOnlySpan<byte> bytes, int offset) where T : unmanaged
        => Unsafe.ReadUnaligned<T>(ref MemoryMarshal.GetReference(bytes.Slice(offset, Unsafe.SizeOf<T>())));

    /// <summary>
    /// Refuses bytes of another length than the signature's, with the exception (and, for extra bytes, the
    /// message) the MemoryPack path gives: the two sites were built with different signatures.
    /// </summary>
    /// <param name="encoded">The bytes that came.</param>
    /// <param name="length">The bytes the signature's values take.</param>
    /// <param name="what">What the bytes hold, e.g. "the arguments of Contoso.Ledger.Add".</param>
    public static void CheckLength(EncodedBytes encoded, int length, string what)
    {
        if (encoded.Length == length) return;
        throw encoded.Length > length
            ? new MemoryPackSerializationException($"{encoded.Length - length} byte(s) left unread after {what}: the sending site was built with a different signature.")
            : new MemoryPackSerializationException($"{encoded.Length} byte(s) came for {what}, which take {length}: the sending site was built with a different signature.");
    }

    private static class RawFormat<T> where T : unmanaged
    {
        public static readonly bool Value = Check();

        private static bool Check()
        {
            using var state = MemoryPackReaderOptionalStatePool.Rent(null);
            var reader = new MemoryPackReader(ReadOnlySpan<byte>.Empty, state);
            try
            {
                return reader.GetFormatter<T>() is UnmanagedFormatter<T> or DangerousUnmanagedFormatter<T>;
            }
            finally
            {
                reader.Dispose();
            }
        }
    }
}
