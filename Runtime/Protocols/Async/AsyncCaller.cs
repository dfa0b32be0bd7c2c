using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;
using Tessera.Infrastructure;
using Tessera.Sites;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Protocols.Async;

/// <summary>
/// The caller side of the async protocol: a call is one <see cref="AsyncCall"/> and returns its reply
/// variable at once; the reply is one message that binds it. Calls made one after another from one
/// thread go out in that order on the one connection to home, which home preserves.
/// </summary>
internal sealed class AsyncCaller
{
    private readonly Site _site;
    private readonly ConnectionTable _connections;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<PeerConnection, AsyncChannel> _channels = new();
    private readonly HeldAsyncCalls _held;
    private readonly CoarseClock _clock;
    private readonly long _timeoutStamps;

    // What a send waiting for room in a full queue waits on, cancelled by the call's deadline or its caller's token.
    // Kept per thread while nothing cancelled it, so a send that finds room costs no allocation and no timer.
    [ThreadStatic] private static CancellationTokenSource? t_sendGiveUp;

    public AsyncCaller(Site site, ConnectionTable connections, ILogger logger)
    {
        _site = site;
        _connections = connections;
        _logger = logger;
        _clock = new CoarseClock(site.Options.TimeProvider);
        _timeoutStamps = _clock.StampsIn(site.Options.DefaultCallTimeout);
        _held = new HeldAsyncCalls(this, site, logger);
    }

    /// <summary>Sends a call and returns its reply variable; <paramref name="route"/> caches the channel to home, refreshed when missing or closed.</summary>
    public Dataflow<TResult> Call<TResult>(ProxyHandle handle, ref AsyncChannel? route, uint methodId, EncodedBytes arguments, Func<Site, EncodedBytes, TResult> decode, CancellationToken cancellationToken)
    {
        var reply = new Dataflow<TResult>();
        var telemetry = CallTelemetry.Start(CallProtocol.Async, handle, methodId, out var traceContext);
        var call = new PendingAsyncCall<TResult>(handle, methodId, arguments, traceContext, cancellationToken, Deadline(), decode, reply) { Telemetry = telemetry };
        // Checked when the call is made, not when it leaves: a call held for its home before the release still goes, and the
        // released weight goes home behind it (GarbageCollector.OnProxyReleased).
        if (handle.IsReleased)
        {
            call.ReturnArguments();
            call.Fail(new ReferenceReleasedException(handle.ToString()));
        }
        else if (!_held.TryHold(call))
        {
            Dispatch(call, ref route);
        }
        return reply;
    }

    /// <summary>Puts a call on the wire, or fails its reply variable with the reason it cannot go.</summary>
    public void Dispatch(PendingAsyncCall call, ref AsyncChannel? route)
    {
        var (handle, methodId, cancellationToken) = (call.Handle, call.MethodId, call.CancellationToken);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            // TempFail does not stop a send: it waits in the connection's queue, or is held, in order, for the link to recover.
            if (FaultStream.IsFinal(new FaultedEntity(handle, handle).State)) throw FaultGate.Refusal(handle, $"Async call of method 0x{methodId:x8}");
            var channel = route is { IsOpen: true } cached ? cached : route = ChannelTo(handle, cancellationToken);
            if (call.IsOneWay)
            {
                Send(channel.Connection, call.ToFrame(), call.Deadline, cancellationToken);
                call.Sent();
                return;
            }
            channel.Acquire(call, cancellationToken);
            channel.Register(call);
            Send(channel.Connection, call.ToFrame(), call.Deadline, cancellationToken);
            // Armed once the call is queued, so a cancel can never reach home ahead of its call.
            if (cancellationToken.CanBeCanceled) call.ArmCancellation(cancellationToken);
        }
        catch (Exception ex)
        {
            // Any reason at all ends the variable (a stopping site throws ObjectDisposedException): escaping, it would
            // leave a held call's drain dead and its variables open. Registered calls free their window slot as they
            // end; before that, no slot was taken. Arguments not yet framed go back to the pool.
            call.ReturnArguments();
            call.Fail(ex);
        }
    }

    /// <summary>A one-way call: one message, no reply variable, so a failure to send is thrown here.</summary>
    public void Send(ProxyHandle handle, uint methodId, EncodedBytes arguments, CancellationToken cancellationToken)
    {
        var telemetry = CallTelemetry.Start(CallProtocol.AsyncOneWay, handle, methodId, out var traceContext);
        var deadline = Deadline();
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            handle.ThrowIfReleased();
            if (FaultStream.IsFinal(new FaultedEntity(handle, handle).State)) throw FaultGate.Refusal(handle, $"One-way call of method 0x{methodId:x8}");
            // Behind the two-way calls held for this home, if any: a later call must not overtake them when it is back.
            if (_held.MightHold(handle.Home) && _held.TryHold(new PendingOneWayCall(handle, methodId, arguments, traceContext, cancellationToken, deadline, _logger) { Telemetry = telemetry }))
            {
                arguments = default;
                return;
            }
            var connection = ChannelTo(handle, cancellationToken).Connection;
            Send(connection, CallFrames.EncodeAsyncCall(0, handle.ObjectKey, methodId, arguments.Span, cancellable: false, traceContext), deadline, cancellationToken);
            telemetry.End(null);
        }
        catch (Exception ex)
        {
            telemetry.End(ex);
            throw;
        }
        finally
        {
            arguments.Return();
        }
    }

    /// <inheritdoc cref="HeldAsyncCalls.TryRunAfterHeld"/>
    public bool TryRunAfterHeld(SiteIdentity home, Action then) => _held.TryRunAfterHeld(home, then);

    /// <inheritdoc cref="HeldAsyncCalls.StopAsync"/>
    public Task StopHoldingAsync(TimeSpan timeout) => _held.StopAsync(timeout);

    public void OnReply(PeerConnection connection, long callId, EncodedBytes result)
    {
        if (_channels.TryGetValue(connection, out var channel) && channel.TryTake(callId, out var call)) call.OnReply(_site, result);
    }

    public void OnFault(PeerConnection connection, AsyncFault fault)
    {
        if (_channels.TryGetValue(connection, out var channel) && channel.TryTake(fault.CallId, out var call)) call.OnFault(fault, call.Handle, call.MethodId);
    }

    /// <summary>
    /// Waits for the send queue only when it is full, until the call's <paramref name="deadline"/>: the call must be
    /// queued before this returns, or a later call from the same thread could overtake it. A wait that ends takes the
    /// frame out of the queue's waiting senders, so a call that timed out here never goes out.
    /// </summary>
    private void Send(PeerConnection connection, OutboundFrame call, long deadline, CancellationToken cancellationToken)
    {
        var giveUp = t_sendGiveUp ??= new CancellationTokenSource();
        var send = connection.SendAsync(call, MessageKind.AsyncCall, giveUp.Token);
        if (send.IsCompletedSuccessfully) return;
        t_sendGiveUp = null;
        try
        {
            WaitForRoom(send, giveUp, connection, deadline, cancellationToken);
        }
        finally
        {
            if (giveUp.TryReset()) t_sendGiveUp = giveUp;
            else giveUp.Dispose();
        }
    }

    private void WaitForRoom(ValueTask send, CancellationTokenSource giveUp, PeerConnection connection, long deadline, CancellationToken cancellationToken)
    {
        // Both reach giveUp through registrations, whose disposal waits out a callback already running: a timer's own
        // callback may still run after the timer is disposed, and would cancel (or find disposed) the source the thread
        // reuses for its next send.
        using var expiry = new CancellationTokenSource(_clock.Until(deadline), _site.Options.TimeProvider);
        using var onExpiry = expiry.Token.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), giveUp);
        using var cancellation = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), giveUp);
        try
        {
            send.AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
        {
            // The queue cancels only a send still waiting, so the frame never went out.
            cancellationToken.ThrowIfCancellationRequested();
            throw new CallTimeoutException($"An async call to {connection}, waiting for room in its send queue,", _site.Options.DefaultCallTimeout, mayHaveRun: false);
        }
    }

    /// <summary>The deadline of a call made now: one timeout for all its stages.</summary>
    private long Deadline() => _clock.Now + _timeoutStamps;

    private AsyncChannel ChannelTo(ProxyHandle handle, CancellationToken cancellationToken)
    {
        var pending = _connections.GetAsync(handle.Home, handle.EndpointHints, cancellationToken);
        var connection = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        if (_channels.TryGetValue(connection, out var channel)) return channel;
        var created = new AsyncChannel(connection, _site.Options.MaxOutstandingAsyncCalls, _site.Options.DefaultCallTimeout, _site.Options.TimeProvider);
        channel = _channels.GetOrAdd(connection, created);
        if (channel == created) connection.Completion.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => OnClosed(channel));
        else created.Dispose();
        return channel;
    }

    private void OnClosed(AsyncChannel channel)
    {
        _channels.TryRemove(channel.Connection, out _);
        channel.Dispose();
        var outstanding = channel.Outstanding;
        channel.FailAll(new ConnectionClosedException($"The connection to {channel.Connection} closed with the async call pending; it may or may not have run at home."));
        if (outstanding > 0) _logger.LogInformation("Failed {Count} pending async calls: the connection to {Peer} closed.", outstanding, channel.Connection);
    }
}
