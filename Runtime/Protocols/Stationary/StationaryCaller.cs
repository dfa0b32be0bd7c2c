using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Diagnostics;
using Tessera.Infrastructure;
using Tessera.Protocols.Async;
using Tessera.Sites;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Protocols.Stationary;

/// <summary>
/// The proxy side of the stationary protocol: a call is one CallRequest and one CallReply (or
/// CallFault). Every call ends by its deadline; a dropped connection fails it at once.
/// </summary>
internal sealed class StationaryCaller
{
    private readonly ConnectionTable _connections;
    private readonly TimeProvider _time;
    private readonly TimeSpan _defaultTimeout;
    private readonly DeadlinePool _deadlines;

    public StationaryCaller(ConnectionTable connections, TimeProvider time, TimeSpan defaultTimeout)
    {
        _connections = connections;
        _time = time;
        _defaultTimeout = defaultTimeout;
        _deadlines = new DeadlinePool(time);
    }

    // Pooled: the generated proxy awaits the call once and at once, so the state machine, the largest
    // object of a call, can serve the next one.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<EncodedBytes> CallAsync(ProxyHandle handle, uint methodId, EncodedBytes arguments, CancellationToken cancellationToken)
    {
        // A struct, so the call costs no object of its own: in the pooled state machine, or on the stack.
        var call = StartScope(handle, methodId, arguments, cancellationToken);
        try
        {
            while (true)
            {
                // Each time, a resend too: the reference may have broken, or home failed, while the call waited.
                await FaultGate.EnterAsync(handle, methodId, call.Token).ConfigureAwait(false);
                call.Connection = await _connections.GetAsync(handle.Home, handle.EndpointHints, call.Token).ConfigureAwait(false);
                call.Request = await call.Connection.BeginRequestAsync(Request, (Handle: handle, MethodId: methodId, Arguments: arguments, call.Remaining, call.TraceContext), call.Token).ConfigureAwait(false);
                var reply = await call.Request.Reply.ConfigureAwait(false);
                if (!call.IsRefusal(reply)) return Result(reply, handle, methodId);
                if (!call.TryPause(out var pause)) throw call.Refused();
                await Task.Delay(pause, _time, call.Token).ConfigureAwait(false);
                if (!call.HasTimeToResend(pause)) throw call.Refused();
            }
        }
        catch (OperationCanceledException ex)
        {
            throw call.Fail(call.GiveUp(ex));
        }
        catch (Exception ex)
        {
            call.Fail(ex);
            throw;
        }
        finally
        {
            // Copied into the request's frame, if it got that far.
            arguments.Return();
            call.Dispose();
        }
    }

    /// <summary>
    /// The blocking form. It waits on the reply slot itself rather than on an async method, so the
    /// wake-up comes straight from the connection's reader and needs no spare thread-pool thread.
    /// </summary>
    public EncodedBytes Call(ProxyHandle handle, uint methodId, EncodedBytes arguments, CancellationToken cancellationToken)
    {
        // A struct, so the call costs no object of its own: in the pooled state machine, or on the stack.
        var call = StartScope(handle, methodId, arguments, cancellationToken);
        try
        {
            while (true)
            {
                FaultGate.Enter(handle, methodId, call.Token);
                call.Connection = Block(_connections.GetAsync(handle.Home, handle.EndpointHints, call.Token));
                call.Request = Block(call.Connection.BeginRequestAsync(Request, (Handle: handle, MethodId: methodId, Arguments: arguments, call.Remaining, call.TraceContext), call.Token));
                var reply = call.Request.Wait(call.Token);
                if (!call.IsRefusal(reply)) return Result(reply, handle, methodId);
                if (!call.TryPause(out var pause)) throw call.Refused();
                // On the call's clock, as the async form pauses; this form blocks its thread anyway.
                Task.Delay(pause, _time, call.Token).GetAwaiter().GetResult();
                if (!call.HasTimeToResend(pause)) throw call.Refused();
            }
        }
        catch (OperationCanceledException ex)
        {
            throw call.Fail(call.GiveUp(ex));
        }
        catch (Exception ex)
        {
            call.Fail(ex);
            throw;
        }
        finally
        {
            // Copied into the request's frame, if it got that far.
            arguments.Return();
            call.Dispose();
        }
    }

    /// <summary>The call's scope; a caller that cancelled already gets its exception here, with its arguments given back.</summary>
    private CallScope StartScope(ProxyHandle handle, uint methodId, EncodedBytes arguments, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            arguments.Return();
            cancellationToken.ThrowIfCancellationRequested();
        }
        return new CallScope(this, handle, methodId, cancellationToken);
    }

    private static T Block<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    private static (OutboundFrame, MessageKind) Request(long id, (ProxyHandle Handle, uint MethodId, EncodedBytes Arguments, TimeSpan Remaining, byte[]? TraceContext) state)
        => (CallFrames.EncodeCallRequest(
                id,
                state.Handle.ObjectKey,
                state.MethodId,
                // What is left of the caller's budget, so home stops work nobody will wait for.
                Math.Max(1, (long)state.Remaining.TotalMilliseconds),
                state.Arguments.Span,
                state.TraceContext),
            MessageKind.Call);

    private static EncodedBytes Result(RequestReply reply, ProxyHandle handle, uint methodId) => reply.IsCallResult ? reply.CallResult : reply.Message switch
    {
        CallFault fault => throw ToException(fault, handle, methodId),
        var other => throw new ProtocolViolationException($"Site {handle.Home} answered a call with {other.Kind}."),
    };

    /// <summary>
    /// Tells home the caller gave up, so a method that honours its token can stop; best effort, and only if the send
    /// queue has room, since a link stalled long enough for calls to give up would keep a blocked send per call.
    /// </summary>
    private static void Abandon(PeerConnection? connection, long callId)
    {
        if (connection is null || callId == 0 || connection.IsClosed) return;
        connection.TryPostNow(new CancelCall { CallId = callId });
    }

    private static Exception ToException(CallFault fault, ProxyHandle handle, uint methodId) => fault.Code switch
    {
        CallFaultCode.MethodThrew => new RemoteException(fault.ExceptionType, fault.Message, fault.StackTrace, $"{handle.Type.TypeName} method 0x{methodId:x8}", handle.Home),
        CallFaultCode.UnknownObject => new EntityNotFoundException($"Site {handle.Home} no longer has {handle.Type.TypeName}#{handle.ObjectKey:x16}: {fault.Message}"),
        CallFaultCode.UnknownMethod => new UnknownMethodException(handle.Type.TypeName, methodId),
        // Home stops a call at the deadline the caller sent; the caller's own timer may not have fired yet.
        CallFaultCode.Cancelled => new CallTimeoutException($"Call 0x{methodId:x8} on {handle} (stopped at home: {fault.Message})", TimeSpan.Zero),
        CallFaultCode.EntityKilled => AsyncFaults.Killed(handle, $"Call of method 0x{methodId:x8}"),
        CallFaultCode.Overloaded => new SiteOverloadedException($"Site {handle.Home} refused a call of {handle.Type.TypeName} method 0x{methodId:x8}: {fault.Message}"),
        CallFaultCode.ResultTooLarge => new RemoteException(typeof(FrameTooLargeException).FullName!, fault.Message, null, $"{handle.Type.TypeName} method 0x{methodId:x8}", handle.Home),
        _ => new ProtocolViolationException($"Site {handle.Home} rejected the call ({fault.Code}): {fault.Message}"),
    };

    /// <summary>
    /// One call's deadline, cancellation and cleanup, shared by the blocking and the async form. A mutable
    /// struct: keep it in one local, never copy it.
    /// </summary>
    /// <remarks>
    /// A call home refused for load (<see cref="CallFaultCode.Overloaded"/>) did not run, so it is sent again, after
    /// a pause that doubles from <see cref="FirstPause"/> to <see cref="LongestPause"/>, until home takes it or the
    /// deadline passes: a caller with more calls out than home lets one connection run waits instead of failing.
    /// </remarks>
    private struct CallScope : IDisposable
    {
        private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(5);
        private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(100);

        private readonly StationaryCaller _caller;
        private readonly ProxyHandle _handle;
        private readonly uint _methodId;
        private readonly CancellationToken _callerToken;
        private readonly CancellationTokenSource _deadline;
        private readonly CancellationTokenSource? _linked;
        private readonly long _startedOnClock;
        private readonly CallTelemetry _telemetry;
        private Exception? _error;
        private CallFault? _refusal;
        private TimeSpan _pause;

        public CallScope(StationaryCaller caller, ProxyHandle handle, uint methodId, CancellationToken callerToken)
        {
            _caller = caller;
            _handle = handle;
            _methodId = methodId;
            _callerToken = callerToken;
            _startedOnClock = caller._time.GetTimestamp();
            _deadline = caller._deadlines.Rent(caller._defaultTimeout);
            // A caller token that can never fire needs no link: the deadline alone ends the call.
            _linked = callerToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callerToken, _deadline.Token) : null;
            _telemetry = CallTelemetry.Start(CallProtocol.Stationary, handle, methodId, out var traceContext);
            TraceContext = traceContext;
        }

        public byte[]? TraceContext { get; }

        public CancellationToken Token => (_linked ?? _deadline).Token;

        public TimeSpan Remaining => _caller._defaultTimeout - _caller._time.GetElapsedTime(_startedOnClock);

        public PeerConnection? Connection { get; set; }

        public PendingRequest Request { get; set; }

        /// <summary>Whether home refused the call for load; if so, the request has ended and the call may be sent again.</summary>
        public bool IsRefusal(RequestReply reply)
        {
            if (reply.IsCallResult || reply.Message is not CallFault { Code: CallFaultCode.Overloaded } refusal) return false;
            _refusal = refusal;
            Connection?.EndRequest(Request);
            Request = default;
            return true;
        }

        /// <summary>
        /// The pause before the refused call is sent again; false if the deadline would pass first, since a call sent
        /// again just before its deadline could only end as a timeout that cannot say whether it ran.
        /// </summary>
        public bool TryPause(out TimeSpan pause)
        {
            _pause = pause = _pause == TimeSpan.Zero ? FirstPause : _pause * 2 < LongestPause ? _pause * 2 : LongestPause;
            return HasTimeToResend(pause + pause);
        }

        /// <summary>Checked again after the pause: a late wake-up must not send the call with no time left to answer.</summary>
        public bool HasTimeToResend(TimeSpan margin) => Remaining > margin;

        /// <summary>The last refusal, as the caller sees it: the call did not run.</summary>
        public Exception Refused() => Fail(ToException(_refusal!, _handle, _methodId));

        /// <summary>Tells home the call was abandoned, and says why: the deadline, or the caller's own token.</summary>
        public Exception GiveUp(OperationCanceledException reason)
        {
            Abandon(Connection, Request.Id);
            if (!_callerToken.IsCancellationRequested && _deadline.IsCancellationRequested)
            {
                // No request: the deadline passed before the call was queued (waiting for its home, a connection, room
                // in the send queue, or, after a refusal, its turn to be sent again), so it never ran. A refused call
                // says why it was refused. Once queued, it has a request, and may have run.
                if (Request.Id == 0)
                {
                    return _refusal is not null
                        ? ToException(_refusal, _handle, _methodId)
                        : new CallTimeoutException($"Call 0x{_methodId:x8} on {_handle}", _caller._defaultTimeout, mayHaveRun: false, reason);
                }
                return new CallTimeoutException($"Call 0x{_methodId:x8} on {_handle}", _caller._defaultTimeout, reason);
            }
            return reason;
        }

        /// <summary>Notes what the caller is about to see, for the call's outcome in telemetry.</summary>
        public Exception Fail(Exception error) => _error = error;

        public void Dispose()
        {
            Connection?.EndRequest(Request);
            _linked?.Dispose();
            // Nothing holds the token any more: every wait on it has ended with the call.
            _caller._deadlines.Return(_deadline);
            _telemetry.End(_error);
        }
    }
}
