using System.Buffers;

namespace Tessera.Runtime.Tests.Transport;

/// <summary>Bytes split into a chain of segments, as a pipe hands over a frame that spans its buffers.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Of(byte[] bytes, int size)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (var offset = size; offset < bytes.Length; offset += size)
            last = last.Append(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
