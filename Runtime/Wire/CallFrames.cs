using System;
using System.Buffers.Binary;
using Tessera.Infrastructure;
using Tessera.Transport;

namespace Tessera.Wire;

/// <summary>
/// The messages of every call that succeeds, written and read by hand in exactly the bytes MemoryPack gives
/// <see cref="CallRequest"/>, <see cref="CallReply"/>, <see cref="AsyncCall"/> and <see cref="AsyncReply"/>
/// as members of the <see cref="WireMessage"/> union:
/// the union tag, the member count, then the members in order, integers little-endian and each byte array
/// as an int length (-1 for null) and its bytes. Doing it by hand saves the message object on both sides
/// and, on the receiving side, the trip through the union's formatter. The wire does not change: a frame
/// written here decodes with <see cref="WireCodec"/>, and a frame from <see cref="WireCodec"/> reads here.
/// </summary>
internal static class CallFrames
{
    private const byte CallRequestTag = 0;
    private const byte CallReplyTag = 1;
    private const byte AsyncCallTag = 20;
    private const byte AsyncReplyTag = 21;
    private const byte CallRequestMembers = 6;
    private const byte AsyncCallMembers = 6;
    private const byte ReplyMembers = 2;
    private const int NullArray = -1;

    // Tag, member count, CallId, ObjectKey, MethodId, TimeoutMilliseconds, and the two array lengths.
    private const int CallRequestFixedSize = 1 + 1 + 8 + 8 + 4 + 8 + 4 + 4;

    // Tag, member count, CallId, ObjectKey, MethodId, the two array lengths and Cancellable.
    private const int AsyncCallFixedSize = 1 + 1 + 8 + 8 + 4 + 4 + 4 + 1;

    // Tag, member count, CallId and the result's length: the same for both replies.
    private const int ReplyFixedSize = 1 + 1 + 8 + 4;

    public static OutboundFrame EncodeCallRequest(long callId, ulong objectKey, uint methodId, long timeoutMilliseconds, ReadOnlySpan<byte> arguments, byte[]? traceContext)
    {
        var length = CallRequestFixedSize + arguments.Length + (traceContext?.Length ?? 0);
        var buffer = FrameBuffers.Rent(length);
        var rest = WriteCallHeader(buffer.AsSpan(0, length), CallRequestTag, CallRequestMembers, callId, objectKey, methodId);
        BinaryPrimitives.WriteInt64LittleEndian(rest, timeoutMilliseconds);
        WriteOptionalArray(WriteArray(rest[8..], arguments), traceContext);
        return new OutboundFrame(buffer, length);
    }

    public static OutboundFrame EncodeCallReply(long callId, ReadOnlySpan<byte> result) => EncodeReply(CallReplyTag, callId, result);

    public static OutboundFrame EncodeAsyncCall(long callId, ulong objectKey, uint methodId, ReadOnlySpan<byte> arguments, bool cancellable, byte[]? traceContext)
    {
        var length = AsyncCallFixedSize + arguments.Length + (traceContext?.Length ?? 0);
        var buffer = FrameBuffers.Rent(length);
        var rest = WriteArray(WriteCallHeader(buffer.AsSpan(0, length), AsyncCallTag, AsyncCallMembers, callId, objectKey, methodId), arguments);
        rest[0] = cancellable ? (byte)1 : (byte)0;
        WriteOptionalArray(rest[1..], traceContext);
        return new OutboundFrame(buffer, length);
    }

    public static OutboundFrame EncodeAsyncReply(long callId, ReadOnlySpan<byte> result) => EncodeReply(AsyncReplyTag, callId, result);

    /// <summary>Whether a frame that starts with <paramref name="tag"/> is one of the four messages read here.</summary>
    public static bool IsCallTag(byte tag) => tag is CallRequestTag or CallReplyTag or AsyncCallTag or AsyncReplyTag;

    /// <summary>
    /// Reads a <see cref="CallRequest"/> frame. False if the frame holds another message (or another layout of
    /// this one), which the general decoder then reads.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The frame says it is a call request but is cut short, too long or malformed.</exception>
    public static bool TryReadCallRequest(ReadOnlySpan<byte> frame, out ReceivedCall call)
    {
        call = default;
        if (!IsMessage(frame, CallRequestTag, CallRequestMembers)) return false;
        var reader = new FrameReader(frame, nameof(CallRequest));
        var callId = reader.Int64();
        var objectKey = (ulong)reader.Int64();
        var methodId = (uint)reader.Int32();
        var timeoutMilliseconds = reader.Int64();
        var arguments = reader.RequiredArray($"its {nameof(CallRequest.Arguments)} is null");
        var traceContext = reader.Array();
        reader.EnsureEnd();
        call = new ReceivedCall(callId, objectKey, methodId, timeoutMilliseconds, EncodedBytes.CopyOf(arguments), traceContext);
        return true;
    }

    /// <summary>Reads an <see cref="AsyncCall"/> frame; false if the frame holds another message.</summary>
    /// <exception cref="ProtocolViolationException">The frame says it is an async call but is cut short, too long or malformed.</exception>
    public static bool TryReadAsyncCall(ReadOnlySpan<byte> frame, out ReceivedAsyncCall call)
    {
        call = default;
        if (!IsMessage(frame, AsyncCallTag, AsyncCallMembers)) return false;
        var reader = new FrameReader(frame, nameof(AsyncCall));
        var callId = reader.Int64();
        var objectKey = (ulong)reader.Int64();
        var methodId = (uint)reader.Int32();
        var arguments = reader.RequiredArray($"its {nameof(CallRequest.Arguments)} is null");
        var cancellable = reader.Byte();
        if (cancellable > 1) throw reader.Malformed($"its Cancellable flag is {cancellable}");
        var traceContext = reader.Array();
        reader.EnsureEnd();
        call = new ReceivedAsyncCall(callId, objectKey, methodId, EncodedBytes.CopyOf(arguments), cancellable == 1, traceContext);
        return true;
    }

    /// <summary>Reads a <see cref="CallReply"/> frame; false if the frame holds another message.</summary>
    /// <exception cref="ProtocolViolationException">The frame says it is a call reply but is cut short, too long or malformed.</exception>
    public static bool TryReadCallReply(ReadOnlySpan<byte> frame, out long callId, out EncodedBytes result)
        => TryReadReply(frame, CallReplyTag, nameof(CallReply), out callId, out result);

    /// <summary>Reads an <see cref="AsyncReply"/> frame; false if the frame holds another message.</summary>
    /// <exception cref="ProtocolViolationException">The frame says it is an async reply but is cut short, too long or malformed.</exception>
    public static bool TryReadAsyncReply(ReadOnlySpan<byte> frame, out long callId, out EncodedBytes result)
        => TryReadReply(frame, AsyncReplyTag, nameof(AsyncReply), out callId, out result);

    private static OutboundFrame EncodeReply(byte tag, long callId, ReadOnlySpan<byte> result)
    {
        var length = ReplyFixedSize + result.Length;
        var buffer = FrameBuffers.Rent(length);
        var span = buffer.AsSpan(0, length);
        span[0] = tag;
        span[1] = ReplyMembers;
        BinaryPrimitives.WriteInt64LittleEndian(span[2..], callId);
        WriteArray(span[10..], result);
        return new OutboundFrame(buffer, length);
    }

    private static bool TryReadReply(ReadOnlySpan<byte> frame, byte tag, string message, out long callId, out EncodedBytes result)
    {
        result = default;
        callId = 0;
        if (!IsMessage(frame, tag, ReplyMembers)) return false;
        var reader = new FrameReader(frame, message);
        callId = reader.Int64();
        var bytes = reader.RequiredArray($"its {nameof(CallReply.Result)} is null");
        reader.EnsureEnd();
        result = EncodedBytes.CopyOf(bytes);
        return true;
    }

    private static bool IsMessage(ReadOnlySpan<byte> frame, byte tag, byte members) => frame.Length >= 2 && frame[0] == tag && frame[1] == members;

    /// <summary>The tag, the member count and the three members both calls begin with; returns what follows.</summary>
    private static Span<byte> WriteCallHeader(Span<byte> frame, byte tag, byte members, long callId, ulong objectKey, uint methodId)
    {
        frame[0] = tag;
        frame[1] = members;
        BinaryPrimitives.WriteInt64LittleEndian(frame[2..], callId);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[10..], objectKey);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[18..], methodId);
        return frame[22..];
    }

    private static void WriteOptionalArray(Span<byte> destination, byte[]? bytes)
    {
        if (bytes is null) BinaryPrimitives.WriteInt32LittleEndian(destination, NullArray);
        else WriteArray(destination, bytes);
    }

    private static Span<byte> WriteArray(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, bytes.Length);
        bytes.CopyTo(destination[4..]);
        return destination[(4 + bytes.Length)..];
    }

    /// <summary>Reads the members after the tag and member count, failing with what the frame claimed to be.</summary>
    private ref struct FrameReader(ReadOnlySpan<byte> frame, string message)
    {
        private readonly ReadOnlySpan<byte> _frame = frame;
        private int _offset = 2;

        public byte Byte() => Take(1)[0];

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public byte[]? Array() => TryTakeArray(out var bytes) ? bytes.ToArray() : null;

        /// <summary>
        /// An array that must be there, still in the frame: callers copy it into a pooled buffer only once the whole
        /// frame has been read, so a frame malformed after it leaves no rented buffer behind.
        /// </summary>
        public ReadOnlySpan<byte> RequiredArray(string whyIfNull)
            => TryTakeArray(out var bytes) ? bytes : throw Malformed(whyIfNull);

        /// <returns>False for a null array.</returns>
        private bool TryTakeArray(out ReadOnlySpan<byte> bytes)
        {
            bytes = default;
            var length = Int32();
            if (length == NullArray) return false;
            var remaining = _frame.Length - _offset;
            // Checked before allocating, so a forged length cannot make this site allocate more than the frame holds.
            if (length < 0 || length > remaining) throw Malformed($"it claims a {length}-byte array with {remaining} bytes left");
            bytes = Take(length);
            return true;
        }

        public readonly void EnsureEnd()
        {
            if (_offset != _frame.Length) throw Malformed($"{_frame.Length - _offset} bytes follow its last member");
        }

        public readonly ProtocolViolationException Malformed(string why)
            => new($"A frame of {_frame.Length} bytes is not a valid Tessera message: it is a {message}, but {why}.");

        private ReadOnlySpan<byte> Take(int count)
        {
            if (_frame.Length - _offset < count)
                throw new ProtocolViolationException($"A frame of {_frame.Length} bytes is not a valid Tessera message: it is a {message}, cut short.");
            var taken = _frame.Slice(_offset, count);
            _offset += count;
            return taken;
        }
    }
}

/// <summary>A <see cref="CallRequest"/> as home receives it, without the message object.</summary>
internal readonly record struct ReceivedCall(long CallId, ulong ObjectKey, uint MethodId, long TimeoutMilliseconds, EncodedBytes Arguments, byte[]? TraceContext)
{
    public static ReceivedCall From(CallRequest request)
        => new(request.CallId, request.ObjectKey, request.MethodId, request.TimeoutMilliseconds, EncodedBytes.Of(request.Arguments), request.TraceContext);
}

/// <summary>An <see cref="AsyncCall"/> as home receives it, without the message object. Call id 0 is a one-way send.</summary>
internal readonly record struct ReceivedAsyncCall(long CallId, ulong ObjectKey, uint MethodId, EncodedBytes Arguments, bool Cancellable, byte[]? TraceContext)
{
    public static ReceivedAsyncCall From(AsyncCall call)
        => new(call.CallId, call.ObjectKey, call.MethodId, EncodedBytes.Of(call.Arguments), call.Cancellable, call.TraceContext);
}
