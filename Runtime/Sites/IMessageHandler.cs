using Tessera.Infrastructure;
using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>
/// Handles requests that arrive on an established connection (replies to requests are matched by the
/// connection itself). Every method is called on the connection's reader loop: it must not block, and
/// throwing closes the connection.
/// </summary>
internal interface IMessageHandler
{
    void OnRequest(PeerConnection connection, WireMessage message);

    /// <summary>A stationary call, read straight from its frame (<see cref="CallFrames"/>).</summary>
    void OnCall(PeerConnection connection, ReceivedCall call);

    /// <summary>An async call, read straight from its frame.</summary>
    void OnAsyncCall(PeerConnection connection, ReceivedAsyncCall call);

    /// <summary>The result that binds an async call's reply variable, read straight from its frame.</summary>
    void OnAsyncReply(PeerConnection connection, long callId, EncodedBytes result);
}
