using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>
/// What answered a request: a decoded message, or, for a stationary call that succeeded, only the result bytes
/// of its <see cref="CallReply"/>, read straight from the frame (<see cref="CallFrames"/>) with no message object.
/// </summary>
internal readonly struct RequestReply
{
    // A WireMessage or a call's result bytes: one field, so the struct is as small as the reference it replaces.
    private readonly object _value;

    /// <summary>A decoded reply; a <see cref="CallReply"/> (from a frame MemoryPack read) is kept as its result bytes, as if read by hand.</summary>
    public RequestReply(WireMessage message) => _value = message is CallReply reply ? reply.Result ?? System.Array.Empty<byte>() : message;

    public RequestReply(byte[] callResult) => _value = callResult;

    /// <summary>The result bytes, when a <see cref="CallReply"/> answered; null for any other message.</summary>
    public byte[]? CallResult => _value as byte[];

    /// <summary>The reply as a message, for requests other than stationary calls (a call's reply becomes a <see cref="CallReply"/>).</summary>
    public WireMessage Message => _value as WireMessage ?? new CallReply { Result = (byte[])_value };
}
