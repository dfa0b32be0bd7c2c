using MemoryPack;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Wire;

/// <summary>The hand-written call frames must be byte for byte what MemoryPack writes for the same messages, and read what it writes.</summary>
public sealed class CallFramesTests
{
    public static TheoryData<int, bool> Shapes => new()
    {
        { 0, false },
        { 4, false },
        { 4, true },
        // Past the small-frame size, so the frame comes from the shared pool.
        { 1_000, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_call_request_is_written_as_MemoryPack_writes_it(int argumentLength, bool traced)
    {
        var request = Request(argumentLength, traced);

        var frame = CallFrames.EncodeCallRequest(request.CallId, request.ObjectKey, request.MethodId, request.TimeoutMilliseconds, request.Arguments, request.TraceContext);

        Assert.Equal(MemoryPackSerializer.Serialize<WireMessage>(request), frame.Memory.ToArray());
        frame.Return();
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_call_request_from_MemoryPack_is_read_whole(int argumentLength, bool traced)
    {
        var request = Request(argumentLength, traced);
        var bytes = MemoryPackSerializer.Serialize<WireMessage>(request);

        Assert.True(CallFrames.TryReadCallRequest(bytes, out var call));

        Assert.Equal(ReceivedCall.From(request) with { Arguments = call.Arguments, TraceContext = call.TraceContext }, call);
        Assert.Equal(request.Arguments, call.Arguments.ToArray());
        Assert.Equal(request.TraceContext, call.TraceContext);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(1_000)]
    public void A_call_reply_is_written_and_read_as_MemoryPack_does(int resultLength)
    {
        var reply = new CallReply { CallId = long.MaxValue - 7, Result = Bytes(resultLength, seed: 3) };
        var bytes = MemoryPackSerializer.Serialize<WireMessage>(reply);

        var frame = CallFrames.EncodeCallReply(reply.CallId, reply.Result);

        Assert.Equal(bytes, frame.Memory.ToArray());
        frame.Return();
        Assert.True(CallFrames.TryReadCallReply(bytes, out var callId, out var result));
        Assert.Equal(reply.CallId, callId);
        Assert.Equal(reply.Result, result.ToArray());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void An_async_call_is_written_and_read_as_MemoryPack_does(int argumentLength, bool traced)
    {
        foreach (var cancellable in new[] { false, true })
        {
            var call = new AsyncCall { CallId = 77, ObjectKey = ulong.MaxValue, MethodId = 0xDEAD_BEEF, Arguments = Bytes(argumentLength, seed: 4), Cancellable = cancellable, TraceContext = traced ? Bytes(26, seed: 5) : null };
            var bytes = MemoryPackSerializer.Serialize<WireMessage>(call);

            var frame = CallFrames.EncodeAsyncCall(call.CallId, call.ObjectKey, call.MethodId, call.Arguments, call.Cancellable, call.TraceContext);

            Assert.Equal(bytes, frame.Memory.ToArray());
            frame.Return();
            Assert.True(CallFrames.TryReadAsyncCall(bytes, out var received));
            Assert.Equal(ReceivedAsyncCall.From(call) with { Arguments = received.Arguments, TraceContext = received.TraceContext }, received);
            Assert.Equal(call.Arguments, received.Arguments.ToArray());
            Assert.Equal(call.TraceContext, received.TraceContext);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000)]
    public void An_async_reply_is_written_and_read_as_MemoryPack_does(int resultLength)
    {
        var reply = new AsyncReply { CallId = 3, Result = Bytes(resultLength, seed: 6) };
        var bytes = MemoryPackSerializer.Serialize<WireMessage>(reply);

        var frame = CallFrames.EncodeAsyncReply(reply.CallId, reply.Result);

        Assert.Equal(bytes, frame.Memory.ToArray());
        frame.Return();
        Assert.True(CallFrames.TryReadAsyncReply(bytes, out var callId, out var result));
        Assert.Equal(reply.CallId, callId);
        Assert.Equal(reply.Result, result.ToArray());
    }

    [Fact]
    public void Each_reader_leaves_every_other_message_to_the_general_decoder()
    {
        WireMessage[] messages =
        [
            Request(2, traced: false),
            new CallReply { CallId = 1, Result = [1] },
            new AsyncCall { CallId = 1, Arguments = [1] },
            new AsyncReply { CallId = 1, Result = [1] },
            new CallFault { CallId = 1, Message = "no" },
            new AsyncFault { CallId = 1, Message = "no" },
            new CancelCall { CallId = 1 },
            new Heartbeat(),
        ];
        foreach (var message in messages)
        {
            var frame = MemoryPackSerializer.Serialize<WireMessage>(message);
            Assert.Equal(message is CallRequest, CallFrames.TryReadCallRequest(frame, out _));
            Assert.Equal(message is CallReply, CallFrames.TryReadCallReply(frame, out _, out _));
            Assert.Equal(message is AsyncCall, CallFrames.TryReadAsyncCall(frame, out _));
            Assert.Equal(message is AsyncReply, CallFrames.TryReadAsyncReply(frame, out _, out _));
        }
    }

    [Fact]
    public void A_call_frame_cut_short_anywhere_is_a_protocol_violation()
    {
        var request = MemoryPackSerializer.Serialize<WireMessage>(Request(9, traced: true));
        var reply = MemoryPackSerializer.Serialize<WireMessage>(new CallReply { CallId = 5, Result = [1, 2, 3] });
        var asyncCall = MemoryPackSerializer.Serialize<WireMessage>(new AsyncCall { CallId = 5, Arguments = [1, 2], TraceContext = [3] });
        var asyncReply = MemoryPackSerializer.Serialize<WireMessage>(new AsyncReply { CallId = 5, Result = [1, 2, 3] });

        // From 2 bytes on the tag and member count say what the frame is; everything after may be missing.
        for (var length = 2; length < request.Length; length++)
            Assert.Throws<ProtocolViolationException>(() => CallFrames.TryReadCallRequest(request.AsSpan(0, length), out _));
        for (var length = 2; length < reply.Length; length++)
            Assert.Throws<ProtocolViolationException>(() => CallFrames.TryReadCallReply(reply.AsSpan(0, length), out _, out _));
        for (var length = 2; length < asyncCall.Length; length++)
            Assert.Throws<ProtocolViolationException>(() => CallFrames.TryReadAsyncCall(asyncCall.AsSpan(0, length), out _));
        for (var length = 2; length < asyncReply.Length; length++)
            Assert.Throws<ProtocolViolationException>(() => CallFrames.TryReadAsyncReply(asyncReply.AsSpan(0, length), out _, out _));
    }

    [Fact]
    public void A_forged_array_length_or_trailing_bytes_are_protocol_violations_that_say_so()
    {
        var reply = MemoryPackSerializer.Serialize<WireMessage>(new CallReply { CallId = 5, Result = [1, 2, 3] });
        var forged = (byte[])reply.Clone();
        BitConverter.TryWriteBytes(forged.AsSpan(10), int.MaxValue);
        var trailing = reply.Concat(new byte[] { 0 }).ToArray();
        var nullArguments = MemoryPackSerializer.Serialize<WireMessage>(new CallRequest { CallId = 1, Arguments = null! });
        var badFlag = MemoryPackSerializer.Serialize<WireMessage>(new AsyncCall { CallId = 1, Arguments = [], Cancellable = true });
        badFlag[^5] = 2;

        var tooLong = Assert.Throws<ProtocolViolationException>(() => CallFrames.TryReadCallReply(forged, out _, out _));
        var extra = Assert.Throws<ProtocolViolationException>(() => CallFrames.TryReadCallReply(trailing, out _, out _));
        var missing = Assert.Throws<ProtocolViolationException>(() => CallFrames.TryReadCallRequest(nullArguments, out _));
        var flag = Assert.Throws<ProtocolViolationException>(() => CallFrames.TryReadAsyncCall(badFlag, out _));

        Assert.Contains($"claims a {int.MaxValue}-byte array", tooLong.Message);
        Assert.Contains("1 bytes follow its last member", extra.Message);
        Assert.Contains("it is a CallRequest, but its Arguments is null", missing.Message);
        Assert.Contains("its Cancellable flag is 2", flag.Message);
    }

    private static CallRequest Request(int argumentLength, bool traced) => new()
    {
        CallId = 0x0102_0304_0506_0708,
        ObjectKey = 0xF1F2_F3F4_F5F6_F7F8,
        MethodId = 0xA1B2_C3D4,
        TimeoutMilliseconds = 29_999,
        Arguments = Bytes(argumentLength, seed: 1),
        TraceContext = traced ? Bytes(26, seed: 2) : null,
    };

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
