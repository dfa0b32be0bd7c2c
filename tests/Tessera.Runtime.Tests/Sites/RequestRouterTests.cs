using Tessera.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>
/// A call frame split across two pipe buffers is decoded by MemoryPack into a message; the router must hand
/// it to the same handler, with the same fields, as the frame read by hand.
/// </summary>
public sealed class RequestRouterTests
{
    [Fact]
    public void Decoded_call_messages_reach_the_handlers_of_the_frames_read_by_hand()
    {
        var router = new RequestRouter();
        ReceivedCall? call = null;
        ReceivedAsyncCall? asyncCall = null;
        (long CallId, byte[] Result)? asyncReply = null;
        router.RegisterCalls((_, received) => call = received);
        router.RegisterAsyncCalls((_, received) => asyncCall = received);
        router.RegisterAsyncReplies((_, callId, result) => asyncReply = (callId, result.ToArray()));
        byte[] arguments = [1, 2], trace = [3], result = [4];

        router.OnRequest(null!, new CallRequest { CallId = 5, ObjectKey = 6, MethodId = 7, TimeoutMilliseconds = 8, Arguments = arguments, TraceContext = trace });
        router.OnRequest(null!, new AsyncCall { CallId = 9, ObjectKey = 10, MethodId = 11, Arguments = arguments, Cancellable = true, TraceContext = trace });
        router.OnRequest(null!, new AsyncReply { CallId = 12, Result = result });

        Assert.Equal((5L, 6UL, 7U, 8L), (call!.Value.CallId, call.Value.ObjectKey, call.Value.MethodId, call.Value.TimeoutMilliseconds));
        Assert.Equal(arguments, call.Value.Arguments.ToArray());
        Assert.Same(trace, call.Value.TraceContext);
        Assert.Equal((9L, 10UL, 11U, true), (asyncCall!.Value.CallId, asyncCall.Value.ObjectKey, asyncCall.Value.MethodId, asyncCall.Value.Cancellable));
        Assert.Equal(arguments, asyncCall.Value.Arguments.ToArray());
        Assert.Same(trace, asyncCall.Value.TraceContext);
        Assert.Equal(12L, asyncReply!.Value.CallId);
        Assert.Equal(result, asyncReply.Value.Result);
    }

    [Fact]
    public void A_call_nobody_registered_for_is_a_protocol_violation()
    {
        var router = new RequestRouter();

        var error = Assert.Throws<ProtocolViolationException>(() => router.OnAsyncReply(null!, 1, default));

        Assert.Contains("Unexpected AsyncReply", error.Message);
    }
}
