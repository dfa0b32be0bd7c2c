using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using MemoryPack;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;
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
    private readonly ConcurrentDictionary<(PeerConnection Caller, long CallId), CancellationTokenSource> _cancellable = new();

    public AsyncServer(Site site, ReferenceTable references, ILogger logger)
    {
        _site = site;
        _references = references;
        _logger = logger;
    }

    public void OnCall(PeerConnection caller, ReceivedAsyncCall call)
    {
        if (!_references.TryGetExport(call.ObjectKey, out var entity))
        {
            Refuse(caller, call, AsyncFaultCode.UnknownObject, typeof(EntityNotFoundException), "No exported object has this key.");
            return;
        }
        if (KillProtocol.IsKilled(entity.Target))
        {
            Refuse(caller, call, AsyncFaultCode.EntityKilled, typeof(EntityFaultException), "The object was killed.");
            return;
        }
        if (entity.Type is not IActiveType type)
        {
            Refuse(caller, call, AsyncFaultCode.NotActive, typeof(ProtocolViolationException), $"{entity.Type.TypeName} is not an [Async] class.");
            return;
        }
        var executor = ActiveObject.Of(entity.Target);
        executor.Logger = _logger;
        var cancellation = Cancellation(caller, call);
        if (executor.TryPost(new RemoteCall(this, caller, call, entity.Target, type, cancellation))) return;
        if (cancellation is not null) EndCancellable(caller, call.CallId, cancellation);
        Refuse(caller, call, AsyncFaultCode.Overloaded, typeof(ActiveObjectOverloadedException), $"{entity.Type.TypeName}'s mailbox is full ({ActiveObject.MailboxCapacity} calls); the call did not run.");
    }

    public void OnCancel(PeerConnection caller, AsyncCancel cancel)
    {
        if (!_cancellable.TryGetValue((caller, cancel.CallId), out var running)) return;
        // Off the reader loop: token callbacks are user code, and the call may end (and dispose the source) meanwhile.
        ThreadPool.UnsafeQueueUserWorkItem(static running =>
        {
            try
            {
                running.Cancel();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or AggregateException)
            {
                // Ended already, or a callback threw: the method's own problem, and it still has its deadline.
            }
        }, running, preferLocal: false);
    }

    /// <summary>
    /// Only a call whose caller can cancel gets a source (with the call deadline, so it ends even if the
    /// cancel is lost); the others get <see cref="CancellationToken.None"/> and cost nothing.
    /// </summary>
    private CancellationTokenSource? Cancellation(PeerConnection caller, ReceivedAsyncCall call)
    {
        if (!call.Cancellable || call.CallId == 0) return null;
        var source = new CancellationTokenSource(_site.Options.DefaultCallTimeout, _site.Options.TimeProvider);
        // Registered from the reader, before any AsyncCancel behind it on the same connection is read.
        _cancellable[(caller, call.CallId)] = source;
        return source;
    }

    private void EndCancellable(PeerConnection caller, long callId, CancellationTokenSource source)
    {
        _cancellable.TryRemove((caller, callId), out _);
        source.Dispose();
    }

    private void Refuse(PeerConnection caller, ReceivedAsyncCall call, AsyncFaultCode code, Type exception, string message)
    {
        call.Arguments.Return();
        if (call.CallId == 0)
        {
            _logger.LogWarning("Dropped a one-way call from {Caller} to #{Key:x16}: {Reason}", caller, call.ObjectKey, message);
            return;
        }
        // Only if it can be queued at once: a peer flooding calls that all get refused, and reading nothing, would
        // otherwise leave a blocked send here per call. Dropped, the call ends at its caller's deadline.
        if (!caller.TryPostNow(new AsyncFault { CallId = call.CallId, Code = code, ExceptionType = exception.FullName!, Message = message }))
            _logger.LogWarning("Refused an async call from {Caller} and dropped the refusal: the connection's send queue is full or closing. {Reason}", caller, message);
    }

    /// <summary>Queues an answer without making the object wait for the socket; the send queue is bounded.</summary>
    private void Send(PeerConnection caller, WireMessage reply)
    {
        if (caller.PostUnlessTooLarge(reply) is not null && reply is AsyncFault { StackTrace: not null } fault)
        {
            // The exception's text does not fit: its type still does, and says more than the caller's deadline would.
            Send(caller, new AsyncFault { CallId = fault.CallId, Code = fault.Code, ExceptionType = fault.ExceptionType, Message = "The exception's message and stack trace were too large for a frame." });
        }
    }

    /// <summary><see cref="Send(PeerConnection, WireMessage)"/> for a result, encoded straight into its frame.</summary>
    private void SendResult(PeerConnection caller, long callId, EncodedBytes result)
    {
        var frame = CallFrames.EncodeAsyncReply(callId, result.Span);
        result.Return();
        if (caller.PostUnlessTooLarge(frame, MessageKind.AsyncReply) is not { } tooLarge) return;
        // The caller would otherwise wait for its deadline, then hear the call may not have run: it did.
        _logger.LogWarning("The result of an async call from {Caller} does not fit in a frame; the caller is told so.", caller);
        Send(caller, new AsyncFault { CallId = callId, Code = AsyncFaultCode.ResultTooLarge, ExceptionType = tooLarge.GetType().FullName!, Message = tooLarge.Message });
    }

    private sealed class RemoteCall(AsyncServer server, PeerConnection caller, ReceivedAsyncCall call, object target, IActiveType type, CancellationTokenSource? cancellation) : ActiveWork
    {
        public override async ValueTask RunAsync()
        {
            EncodedBytes result = default;
            AsyncFault? fault = null;
            var activity = HomeCallActivity.Start(call.CallId == 0 ? CallProtocol.AsyncOneWay : CallProtocol.Async, call.TraceContext, call.MethodId, server._site, caller);
            Exception? failure = null;
            try
            {
                ValueTask<EncodedBytes> running;
                try
                {
                    running = type.InvokeDirectAsync(target, call.MethodId, call.Arguments, new InvocationContext(server._site, cancellation?.Token ?? CancellationToken.None));
                }
                finally
                {
                    // Read by now, or refused (an unknown method, bad arguments): the arguments go back to the pool
                    // while the method may still run.
                    call.Arguments.Return();
                }
                result = running.IsCompletedSuccessfully ? running.Result : await running.ConfigureAwait(false);
                if (call.CallId == 0)
                {
                    result.Return();
                    return;
                }
            }
            catch (Exception ex)
            {
                failure = ex;
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
                fault = new AsyncFault { CallId = call.CallId, Code = code, ExceptionType = ex.GetType().FullName ?? ex.GetType().Name, Message = ex.Message ?? "", StackTrace = ex.StackTrace };
            }
            finally
            {
                HomeCallActivity.End(activity, (type as DistributedTypeInfo)?.TypeName, failure?.GetType().FullName, failure?.Message);
                if (cancellation is not null) server.EndCancellable(caller, call.CallId, cancellation);
            }
            if (fault is null) server.SendResult(caller, call.CallId, result);
            else server.Send(caller, fault);
        }
    }
}
