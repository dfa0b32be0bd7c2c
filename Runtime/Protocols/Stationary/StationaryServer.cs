using System;
using System.Threading;
using System.Threading.Tasks;
using MemoryPack;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;
using Tessera.Infrastructure;
using Tessera.Sites;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Protocols.Stationary;

/// <summary>
/// The home side of the stationary protocol. Calls run concurrently on the thread pool, as threads
/// calling a local object would, never on a connection's reader loop.
/// </summary>
internal sealed class StationaryServer
{
    private const int MaxPooledCalls = 64;
    private static readonly TimeSpan CallerDeadlineGrace = TimeSpan.FromSeconds(1);

    private readonly Site _site;
    private readonly ReferenceTable _references;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxTimeout;
    private readonly ILogger _logger;
    private readonly DeadlinePool _replyDeadlines;
    private readonly CancellableCalls _cancellable = new();
    private readonly int _maxCallsPerConnection;
    private readonly string _overloaded;

    // Enough for every call of 64 busy callers to find one; past that, calls allocate theirs.
    private readonly ReusePool<RunningCall> _calls = new(MaxPooledCalls);

    public StationaryServer(Site site, ReferenceTable references, TimeProvider time, TimeSpan maxTimeout, ILogger logger)
    {
        _site = site;
        _references = references;
        _time = time;
        _maxTimeout = maxTimeout;
        _logger = logger;
        _replyDeadlines = new DeadlinePool(time);
        _maxCallsPerConnection = site.Options.MaxHomeCallsPerConnection;
        _overloaded = $"{_maxCallsPerConnection} calls from this connection were running there already; the call did not run.";
    }

    public void OnCall(PeerConnection caller, ReceivedCall request)
    {
        if (!caller.TryStartHomeCall(_maxCallsPerConnection))
        {
            request.Arguments.Return();
            Refuse(caller, Fault(request.CallId, CallFaultCode.Overloaded, typeof(SiteOverloadedException).FullName!, _overloaded));
            return;
        }
        // Looked up here, on the reader: a weight return that follows the call on this connection may drop the export,
        // and a call that arrived before it must still find its object.
        ExportedEntity? target = _references.TryGetExport(request.ObjectKey, out var entity) ? entity : null;
        var call = _calls.TryRent() ?? new RunningCall(this, _cancellable, _time);
        call.Begin(caller, request, target);
        ThreadPool.UnsafeQueueUserWorkItem(call, preferLocal: false);
    }

    public void OnCancel(PeerConnection caller, CancelCall cancel) => _cancellable.Cancel(caller, cancel.CallId);

    internal async Task RunAsync(RunningCall call)
    {
        try
        {
            // Its reply has no way back: a call still queued when its connection closed does not run, so a peer
            // that reconnects cannot leave work behind it faster than the limit lets it start more.
            if (call.Caller.IsClosed) call.Request.Arguments.Return();
            else await RunCallAsync(call).ConfigureAwait(false);
        }
        finally
        {
            call.Caller.EndHomeCall();
            call.Clear();
            _calls.TryReturn(call);
        }
    }

    private async Task RunCallAsync(RunningCall call)
    {
        var caller = call.Caller;
        var request = call.Request;
        EncodedBytes result = default;
        CallFault? fault;
        var activity = HomeCallActivity.Start(CallProtocol.Stationary, request.TraceContext, request.MethodId, _site, caller);
        var entity = call.Target.GetValueOrDefault();
        if (call.Target is null)
        {
            request.Arguments.Return();
            fault = Fault(request.CallId, CallFaultCode.UnknownObject, "EntityNotFound", "No exported object has this key.");
        }
        else if (KillProtocol.IsKilled(entity.Target))
        {
            request.Arguments.Return();
            fault = Fault(request.CallId, CallFaultCode.EntityKilled, "EntityKilled", "The object was killed.");
        }
        else
        {
            // The caller gives up at its deadline and says so with CancelCall; home's own timer is the backstop
            // for a lost CancelCall, so it fires a grace period later and never races the caller's verdict.
            // Compared in milliseconds first: a peer may send any long, and TimeSpan would overflow on a huge one.
            var timeout = request.TimeoutMilliseconds > 0 && request.TimeoutMilliseconds < (long)_maxTimeout.TotalMilliseconds
                ? TimeSpan.FromMilliseconds(request.TimeoutMilliseconds) + CallerDeadlineGrace
                : _maxTimeout;
            if (timeout > _maxTimeout) timeout = _maxTimeout;
            call.StartTimeout(timeout);
            fault = null;
            try
            {
                ValueTask<EncodedBytes> running;
                try
                {
                    running = entity.Type.InvokeObjectAsync(entity.Target, request.MethodId, request.Arguments, call.Context(_site));
                }
                finally
                {
                    // Read by now, or refused (an unknown method, bad arguments): the arguments go back to the pool
                    // while the method may still run.
                    request.Arguments.Return();
                }
                result = await running.ConfigureAwait(false);
            }
            catch (UnknownMethodException ex)
            {
                fault = Fault(request.CallId, CallFaultCode.UnknownMethod, ex.GetType().FullName!, ex.Message);
            }
            catch (MemoryPackSerializationException ex)
            {
                fault = Fault(request.CallId, CallFaultCode.BadArguments, ex.GetType().FullName!, ex.Message);
            }
            catch (OperationCanceledException ex) when (call.IsCancellationRequested)
            {
                fault = Fault(request.CallId, CallFaultCode.Cancelled, ex.GetType().FullName!, ex.Message);
            }
            catch (Exception ex)
            {
                fault = new CallFault
                {
                    CallId = request.CallId,
                    Code = CallFaultCode.MethodThrew,
                    ExceptionType = ex.GetType().FullName ?? ex.GetType().Name,
                    // An exception may override Message to return null, which the wire refuses.
                    Message = ex.Message ?? "",
                    StackTrace = ex.StackTrace,
                };
            }
            finally
            {
                call.End();
            }
        }
        HomeCallActivity.End(activity, entity.Type?.TypeName, fault?.ExceptionType, fault?.Message);
        await SendReplyAsync(caller, request.CallId, result, fault).ConfigureAwait(false);
    }

    /// <summary>Sends the result (encoded straight into its frame) or, when there is none, the fault.</summary>
    private async Task SendReplyAsync(PeerConnection caller, long callId, EncodedBytes result, CallFault? fault)
    {
        // Pooled: only the send itself sees this token, unlike the method's, which user code may keep.
        var deadline = _replyDeadlines.Rent(_maxTimeout);
        try
        {
            try
            {
                if (fault is null) await caller.SendAsync(EncodeReply(callId, result), MessageKind.Reply, deadline.Token).ConfigureAwait(false);
                else await caller.SendAsync(fault, deadline.Token).ConfigureAwait(false);
            }
            catch (FrameTooLargeException ex) when (fault is null)
            {
                await caller.SendAsync(Fault(callId, CallFaultCode.ResultTooLarge, ex.GetType().FullName!, ex.Message), deadline.Token).ConfigureAwait(false);
            }
            catch (FrameTooLargeException) when (fault is not null)
            {
                // The exception's text does not fit: its type still does, and says more than the caller's deadline would.
                await caller.SendAsync(Fault(callId, fault.Code, fault.ExceptionType, "The exception's message and stack trace were too large for a frame."), deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
        {
            _logger.LogDebug("Dropped a reply to {Caller}: {Reason}", caller, ex.Message);
        }
        finally
        {
            _replyDeadlines.Return(deadline);
        }
    }

    /// <summary>A refusal that cannot be queued at once is dropped; the call then ends at its caller's deadline.</summary>
    private void Refuse(PeerConnection caller, CallFault fault)
    {
        if (caller.TryPostNow(fault))
            _logger.LogDebug("Refused a call from {Caller}: {Limit} of its calls are running here already.", caller, _maxCallsPerConnection);
        else
            _logger.LogWarning("Refused a call from {Caller} and dropped the refusal: the connection's send queue is full or closing. The call ends at its caller's deadline.", caller);
    }

    private static OutboundFrame EncodeReply(long callId, EncodedBytes result)
    {
        var frame = CallFrames.EncodeCallReply(callId, result.Span);
        result.Return();
        return frame;
    }

    private static CallFault Fault(long callId, CallFaultCode code, string type, string? message)
        => new() { CallId = callId, Code = code, ExceptionType = type, Message = message ?? "" };
}
