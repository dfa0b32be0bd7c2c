using System;
using System.Threading;
using System.Threading.Tasks;
using MemoryPack;
using Microsoft.Extensions.Logging;
using Tessera.Infrastructure;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Async;

/// <summary>
/// The home side of the async protocol. A call is queued in its object's mailbox straight from the
/// connection's reader, so calls from one connection keep their order; the object runs them one at a
/// time and each answer (if any) is one message.
/// </summary>
internal sealed class AsyncServer
{
    private readonly Site _site;
    private readonly ReferenceTable _references;
    private readonly ILogger _logger;

    public AsyncServer(Site site, ReferenceTable references, ILogger logger)
    {
        _site = site;
        _references = references;
        _logger = logger;
    }

    public void OnCall(PeerConnection caller, AsyncCall call)
    {
        if (!_references.TryGetExport(call.ObjectKey, out var entity))
        {
            Refuse(caller, call, AsyncFaultCode.UnknownObject, typeof(EntityNotFoundException), "No exported object has this key.");
            return;
        }
        if (entity.Type is not IActiveType type)
        {
            Refuse(caller, call, AsyncFaultCode.NotActive, typeof(ProtocolViolationException), $"{entity.Type.TypeName} is not an [Async] class.");
            return;
        }
        var executor = ActiveObject.Of(entity.Target);
        executor.Logger = _logger;
        if (!executor.TryPost(new RemoteCall(this, caller, call, entity.Target, type)))
            Refuse(caller, call, AsyncFaultCode.Overloaded, typeof(ActiveObjectOverloadedException), $"{entity.Type.TypeName}'s mailbox is full ({ActiveObject.MailboxCapacity} calls); the call did not run.");
    }

    private void Refuse(PeerConnection caller, AsyncCall call, AsyncFaultCode code, Type exception, string message)
    {
        if (call.CallId == 0)
        {
            _logger.LogWarning("Dropped a one-way call from {Caller} to #{Key:x16}: {Reason}", caller, call.ObjectKey, message);
            return;
        }
        Send(caller, new AsyncFault { CallId = call.CallId, Code = code, ExceptionType = exception.FullName!, Message = message });
    }

    /// <summary>Queues an answer without making the object wait for the socket; the send queue is bounded.</summary>
    private void Send(PeerConnection caller, WireMessage reply)
    {
        ValueTask send;
        try
        {
            send = caller.SendAsync(reply, CancellationToken.None);
        }
        catch (TesseraException ex)
        {
            _logger.LogDebug("Dropped a reply to {Caller}: {Reason}", caller, ex.Message);
            return;
        }
        if (!send.IsCompletedSuccessfully) _ = ObserveAsync(send, caller);
    }

    private async Task ObserveAsync(ValueTask send, PeerConnection caller)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
        {
            _logger.LogDebug("Dropped a reply to {Caller}: {Reason}", caller, ex.Message);
        }
    }

    private sealed class RemoteCall(AsyncServer server, PeerConnection caller, AsyncCall call, object target, IActiveType type) : ActiveWork
    {
        public override async ValueTask RunAsync()
        {
            WireMessage reply;
            try
            {
                var running = type.InvokeDirectAsync(target, call.MethodId, call.Arguments, new InvocationContext(server._site, CancellationToken.None));
                var result = running.IsCompletedSuccessfully ? running.Result : await running.ConfigureAwait(false);
                if (call.CallId == 0) return;
                reply = new AsyncReply { CallId = call.CallId, Result = result };
            }
            catch (Exception ex)
            {
                if (call.CallId == 0)
                {
                    server._logger.LogWarning(ex, "A one-way call from {Caller} threw; one-way calls have no reply to carry it.", caller);
                    return;
                }
                var code = ex switch
                {
                    UnknownMethodException => AsyncFaultCode.UnknownMethod,
                    MemoryPackSerializationException => AsyncFaultCode.BadArguments,
                    _ => AsyncFaultCode.MethodThrew,
                };
                reply = new AsyncFault { CallId = call.CallId, Code = code, ExceptionType = ex.GetType().FullName ?? ex.GetType().Name, Message = ex.Message, StackTrace = ex.StackTrace };
            }
            server.Send(caller, reply);
        }
    }
}
