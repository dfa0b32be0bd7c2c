using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>Handles requests that arrive on an established connection (replies are matched by the connection itself).</summary>
internal interface IMessageHandler
{
    /// <summary>Called on the connection's reader loop: must not block. Throwing closes the connection.</summary>
    void OnRequest(PeerConnection connection, WireMessage message);

    /// <summary>A stationary call, read straight from its frame; the same rules as <see cref="OnRequest"/>.</summary>
    void OnCall(PeerConnection connection, ReceivedCall call);
}
