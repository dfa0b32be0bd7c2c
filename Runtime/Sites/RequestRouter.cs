using System;
using System.Collections.Generic;
using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>
/// Sends each request to the protocol that owns its message type. Protocols register while the site
/// is built, before it listens, so lookups never race with registration.
/// </summary>
internal sealed class RequestRouter : IMessageHandler
{
    private readonly Dictionary<Type, Action<PeerConnection, WireMessage>> _routes = new();

    public void Register<TMessage>(Action<PeerConnection, TMessage> handler)
        where TMessage : WireMessage
        => _routes.Add(typeof(TMessage), (connection, message) => handler(connection, (TMessage)message));

    public void OnRequest(PeerConnection connection, WireMessage message)
    {
        if (!_routes.TryGetValue(message.GetType(), out var route))
            throw new ProtocolViolationException($"Unexpected {message.Kind} message from {connection}.");
        route(connection, message);
    }
}
