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
    private Action<PeerConnection, ReceivedCall>? _calls;

    /// <summary>Where stationary calls go, whether read straight from their frames or decoded as <see cref="CallRequest"/>s.</summary>
    public void RegisterCalls(Action<PeerConnection, ReceivedCall> handler)
    {
        _calls = handler;
        Register<CallRequest>((connection, request) => handler(connection, ReceivedCall.From(request)));
    }

    public void Register<TMessage>(Action<PeerConnection, TMessage> handler)
        where TMessage : WireMessage
        => _routes.Add(typeof(TMessage), (connection, message) => handler(connection, (TMessage)message));

    public void OnRequest(PeerConnection connection, WireMessage message)
    {
        if (!_routes.TryGetValue(message.GetType(), out var route))
            throw new ProtocolViolationException($"Unexpected {message.Kind} message from {connection}.");
        route(connection, message);
    }

    public void OnCall(PeerConnection connection, ReceivedCall call)
    {
        if (_calls is null) throw new ProtocolViolationException($"Unexpected {MessageKind.Call} message from {connection}.");
        _calls(connection, call);
    }
}
