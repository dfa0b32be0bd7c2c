using System.Buffers;
using System.ComponentModel;

namespace Tessera.Infrastructure;

/// <summary>
/// One reusable writer per thread for generated encode helpers, so encoding arguments or a result costs
/// the one array that travels rather than a fresh writer, its first buffer and then the copy.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CodecBuffer
{
    // A writer grown past this by one large value is dropped rather than kept for the thread's lifetime.
    private const int MaxKeptCapacity = 64 * 1024;

    [System.ThreadStatic]
    private static ArrayBufferWriter<byte>? t_spare;

    /// <summary>The thread's spare writer, emptied; a new one if it is in use (an encode inside an encode).</summary>
    public static ArrayBufferWriter<byte> Rent()
    {
        var writer = t_spare ?? new ArrayBufferWriter<byte>();
        t_spare = null;
        return writer;
    }

    /// <summary>Copies out what was written and keeps the writer for the thread's next encode.</summary>
    public static byte[] ToArrayAndReturn(ArrayBufferWriter<byte> writer)
    {
        var bytes = writer.WrittenSpan.ToArray();
        Return(writer);
        return bytes;
    }

    /// <summary>
    /// Copies out what was written into a pooled array, for arguments and results that the runtime copies into
    /// a frame and then gives back, and keeps the writer for the thread's next encode.
    /// </summary>
    public static EncodedBytes ToEncodedAndReturn(ArrayBufferWriter<byte> writer)
    {
        var bytes = EncodedBytes.CopyOf(writer.WrittenSpan);
        Return(writer);
        return bytes;
    }

    private static void Return(ArrayBufferWriter<byte> writer)
    {
        if (writer.Capacity > MaxKeptCapacity) return;
        writer.ResetWrittenCount();
        t_spare = writer;
    }
}
