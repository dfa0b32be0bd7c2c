using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Tessera.Transport.Framing;
using Xunit;

namespace Tessera.Runtime.Tests.Transport;

public class FrameParserTests
{
    private const int Limit = 1024;

    [Fact]
    public void Reads_several_frames_from_one_buffer_including_an_empty_one()
    {
        var buffer = new ReadOnlySequence<byte>(Encode([1, 2, 3], [], [4]));

        Assert.Equal(new byte[] { 1, 2, 3 }, ReadFrame(ref buffer));
        Assert.Empty(ReadFrame(ref buffer));
        Assert.Equal(new byte[] { 4 }, ReadFrame(ref buffer));
        Assert.True(buffer.IsEmpty);
        Assert.False(FrameParser.TryReadFrame(ref buffer, Limit, out _));
    }

    [Fact]
    public void Leaves_an_incomplete_frame_untouched()
    {
        var bytes = Encode([1, 2, 3, 4, 5]);
        for (int length = 0; length < bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.False(FrameParser.TryReadFrame(ref buffer, Limit, out _));
            Assert.Equal(length, buffer.Length);
        }
    }

    [Fact]
    public void Reads_frames_spread_over_one_byte_segments()
    {
        var bytes = Encode([10, 20, 30], [], [40, 50]);
        var buffer = Segments.Of(bytes, 1);

        Assert.Equal(new byte[] { 10, 20, 30 }, ReadFrame(ref buffer));
        Assert.Empty(ReadFrame(ref buffer));
        Assert.Equal(new byte[] { 40, 50 }, ReadFrame(ref buffer));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public async Task Reads_frames_fed_one_byte_at_a_time_through_a_pipe()
    {
        byte[][] bodies = [[1, 2, 3], [], new byte[300]];
        var pipe = new Pipe();
        var received = new List<byte[]>();

        foreach (byte b in Encode(bodies))
        {
            await pipe.Writer.WriteAsync(new[] { b });
            Assert.True(pipe.Reader.TryRead(out var result));
            var buffer = result.Buffer;
            while (FrameParser.TryReadFrame(ref buffer, Limit, out var frame)) received.Add(frame.ToArray());
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        Assert.Equal(bodies, received);
    }

    [Fact]
    public void Rejects_an_oversized_length_before_the_body_arrives()
    {
        var header = new byte[FrameParser.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Limit + 1);
        var buffer = new ReadOnlySequence<byte>(header);

        var ex = Assert.Throws<FrameTooLargeException>(() => FrameParser.TryReadFrame(ref buffer, Limit, out _));
        Assert.Equal(Limit + 1, ex.FrameSize);
        Assert.Equal(Limit, ex.Limit);
    }

    [Fact]
    public void Rejects_a_length_beyond_int_range_split_across_segments()
    {
        var buffer = Segments.Of([0xFF, 0xFF, 0xFF, 0xFF], 1);

        var ex = Assert.Throws<FrameTooLargeException>(() => FrameParser.TryReadFrame(ref buffer, Limit, out _));
        Assert.Equal(uint.MaxValue, ex.FrameSize);
    }

    [Fact]
    public void Accepts_a_frame_exactly_at_the_limit()
    {
        var buffer = new ReadOnlySequence<byte>(Encode(new byte[Limit]));

        Assert.Equal(Limit, ReadFrame(ref buffer).Length);
    }

    private static byte[] ReadFrame(ref ReadOnlySequence<byte> buffer)
    {
        Assert.True(FrameParser.TryReadFrame(ref buffer, Limit, out var frame));
        return frame.ToArray();
    }

    private static byte[] Encode(params byte[][] bodies)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var body in bodies)
        {
            FrameParser.WriteHeader(output.GetSpan(FrameParser.HeaderSize), body.Length);
            output.Advance(FrameParser.HeaderSize);
            output.Write(body);
        }

        return output.WrittenSpan.ToArray();
    }
}
