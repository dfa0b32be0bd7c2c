namespace Tessera.Wire;

/// <summary>A message that answers a request; the connection matches it to its waiter by <see cref="ReplyTo"/>.</summary>
public interface IReplyMessage
{
    /// <summary>The id of the request this answers, as allocated by <c>PeerConnection.BeginRequestAsync</c>.</summary>
    long ReplyTo { get; }
}
