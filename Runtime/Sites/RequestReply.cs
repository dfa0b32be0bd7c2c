using Tessera.Infrastructure;
using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>
/// What answered a request: a decoded message, or, for a stationary call that succeeded, only the result bytes
/// of its <see cref="CallReply"/>, read straight from the frame (<see cref="CallFrames"/>) with no message object.
/// </summary>
internal readonly struct RequestReply
{
    private readonly WireMessage? _message;
    private readonly EncodedBytes _callResult;

    /// <summary>A decoded reply; a <see cref="CallReply"/> (from a frame MemoryPack read) is kept as its result bytes, as if read by hand.</summary>
    public RequestReply(WireMessage message)
    {
        if (message is CallReply reply) _callResult = EncodedBytes.Of(reply.Result);
        else _message = message;
    }

    public RequestReply(EncodedBytes callResult) => _callResult = callResult;

    /// <summary>Whether a <see cref="CallReply"/> answered, whose bytes <see cref="CallResult"/> holds.</summary>
    public bool IsCallResult => _message is null;

    public EncodedBytes CallResult => _callResult;

    /// <summary>The reply as a message, for requests other than stationary calls (a call's reply becomes a <see cref="CallReply"/>).</summary>
    public WireMessage Message => _message ?? new CallReply { Result = _callResult.ToArray() };
}
