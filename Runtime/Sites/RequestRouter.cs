using System;
using System.Collections.Generic;
using Tessera.Infrastructure;
using Tessera.Wire;

namespace Tessera.Sites;

/// <summary>
/// Sends each request to the protocol that owns its message type. Protocols register while the site
/// is built, before it listens, so lookups never race with registration. The messages read straight from
/// their frames have routes of their own, which the same messages decoded the general way also take.
/// </summary>
internal sealed class RequestRouter : IMessageHandler
{
    private readonly Dictionary<Type, Action<PeerConnection, WireMessage>> _routes = new();
    private Action<PeerConnection, ReceivedCall>? _calls;
    private Action<PeerConnection, ReceivedAsyncCall>? _asyncCalls;
    private Action<PeerConnection, long, EncodedBytes>? _asyncReplies;

    public void Register<TMessage>(Action<PeerConnection, TMessage> handler)
        where TMessage : WireMessage
        => _routes.Add(typeof(TMessage), (connection, message) => handler(connection, (TMessage)message));

    public void RegisterCalls(Action<PeerConnection, ReceivedCall> handler)
    {
        _calls = handler;
        Register<CallRequest>((connection, request) => handler(connection, ReceivedCall.From(request)));
    }

    public void RegisterAsyncCalls(Action<PeerConnection, ReceivedAsyncCall> handler)
    {
        _asyncCalls = handler;
        Register<AsyncCall>((connection, call) => handler(connection, ReceivedAsyncCall.From(call)));
    }

    public void RegisterAsyncReplies(Action<PeerConnection, long, EncodedBytes> handler)
    {
        _asyncReplies = handler;
        Register<AsyncReply>((connection, reply) => handler(connection, reply.CallId, EncodedBytes.Of(reply.Result)));
    }

    public void OnRequest(PeerConnection connection, WireMessage message)
    {
        if (!_routes.TryGetValue(message.GetType(), out var route)) throw Unexpected(message.Kind, connection);
        route(connection, message);
    }

    public void OnCall(PeerConnection connection, ReceivedCall call)
        => (_calls ?? throw Unexpected(MessageKind.Call, connection))(connection, call);

    public void OnAsyncCall(PeerConnection connection, ReceivedAsyncCall call)
        => (_asyncCalls ?? throw Unexpected(MessageKind.AsyncCall, connection))(connection, call);

    public void OnAsyncReply(PeerConnection connection, long callId, EncodedBytes result)
        => (_asyncReplies ?? throw Unexpected(MessageKind.AsyncReply, connection))(connection, callId, result);

    private static ProtocolViolationException Unexpected(MessageKind kind, PeerConnection connection)
        => new($"Unexpected {kind} message from {connection}.");
}
