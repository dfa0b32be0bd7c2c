using System;
using System.Threading;
using Tessera.Diagnostics;
using Tessera.Infrastructure;
using Tessera.Transport;
using Tessera.Wire;

namespace Tessera.Protocols.Async;

/// <summary>
/// An async call from its creation until its reply variable is determined: what goes on the wire (kept
/// while the call is held for a home in TempFail), then the variable while the call is out. Exactly one of
/// the reply, the deadline, the caller's cancellation and the connection's loss ends it; the one that does
/// frees its window slot.
/// </summary>
/// <remarks>
/// <paramref name="deadline"/> is a stamp of the caller's <see cref="CoarseClock"/>, set when the call is made: every
/// stage (held for its home, waiting for the window or the send queue, waiting for the reply) spends the same
/// timeout, so a call ends within it however its time was split. Making the connection to home, the first time,
/// is bounded by <see cref="Transport.TransportOptions.ConnectTimeout"/> on its own.
/// </remarks>
internal abstract class PendingAsyncCall(ProxyHandle handle, uint methodId, EncodedBytes arguments, byte[]? traceContext, CancellationToken cancellationToken, long deadline)
{
    private int _ended;
    private int _registered;
    private CancellationTokenRegistration _cancellation;

    public ProxyHandle Handle => handle;

    public uint MethodId => methodId;

    /// <summary>The encoded arguments, until the call's frame is built.</summary>
    public EncodedBytes Arguments { get; private set; } = arguments;

    public byte[]? TraceContext => traceContext;

    public CancellationToken CancellationToken => cancellationToken;

    public AsyncChannel? Channel { get; private set; }

    /// <summary>Set by the channel's <see cref="PendingCallTable"/> when the call takes a slot.</summary>
    public long Id { get; set; }

    /// <summary>The call's activity and metrics, ended with the call whichever way it ends.</summary>
    public CallTelemetry Telemetry { get; set; }

    /// <summary>When the call fails if it has not ended: a stamp of the caller's <see cref="CoarseClock"/>.</summary>
    public long Deadline => deadline;

    /// <summary>Ties the call to its channel, whose sweep checks the deadline from then on.</summary>
    public void Start(AsyncChannel channel) => Channel = channel;

    /// <summary>Gives the encoded arguments back to the pool, for a call that ends before its frame is built.</summary>
    public void ReturnArguments()
    {
        Arguments.Return();
        Arguments = default;
    }

    /// <summary>The call's frame, encoded once the call has its id; the arguments are not kept after it.</summary>
    public OutboundFrame ToFrame()
    {
        var frame = CallFrames.EncodeAsyncCall(Id, handle.ObjectKey, methodId, Arguments.Span, !IsOneWay && cancellationToken.CanBeCanceled, traceContext);
        ReturnArguments();
        return frame;
    }

    /// <summary>
    /// Once the call is on its way: cancelling <paramref name="cancellationToken"/> fails the variable at once
    /// and tells home to cancel the token the method received.
    /// </summary>
    public void ArmCancellation(CancellationToken cancellationToken)
    {
        var registration = cancellationToken.UnsafeRegister(static (state, token) => ((PendingAsyncCall)state!).OnCancelled(token), this);
        // Stored first: if the call ends meanwhile, exactly one of this and TryEnd sees the other and disposes it.
        _cancellation = registration;
        if (Interlocked.CompareExchange(ref _registered, 1, 0) != 0) registration.Dispose();
    }

    public void OnReply(Site site, EncodedBytes result)
    {
        if (!TryEnd()) return;
        try
        {
            Bind(site, result);
            Telemetry.End(null);
        }
        catch (Exception ex)
        {
            Failed(ex);
        }
    }

    public void OnFault(AsyncFault fault, ProxyHandle handle, uint methodId)
    {
        if (TryEnd()) Failed(AsyncFaults.ToException(fault, handle, methodId));
    }

    /// <summary>Fails the variable; a null reason means the deadline passed.</summary>
    public void Fail(Exception? reason)
    {
        if (!TryEnd()) return;
        Failed(reason ?? new CallTimeoutException($"Async call #{Id} on {Channel?.Connection}", Channel?.Timeout ?? TimeSpan.Zero));
    }

    public bool IsPast(long now) => now >= deadline;

    /// <summary>A <c>[OneWay]</c> call: id 0 on the wire, no window slot, no reply.</summary>
    public virtual bool IsOneWay => false;

    /// <summary>A one-way call held for a home in TempFail has left: it ends here, as it has nothing to wait for.</summary>
    public void Sent() => Telemetry.End(null);

    protected abstract void Bind(Site site, EncodedBytes result);

    protected abstract void Fault(Exception error);

    private void OnCancelled(CancellationToken token)
    {
        if (!TryEnd()) return;
        Channel?.SendCancel(Id);
        Failed(new OperationCanceledException($"Async call #{Id} on {Channel?.Connection} was cancelled by its caller; home was told to cancel it.", token));
    }

    private void Failed(Exception error)
    {
        Telemetry.End(error);
        Fault(error);
    }

    private bool TryEnd()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0) return false;
        // Whichever of this and ArmCancellation comes second disposes the registration.
        if (Interlocked.Exchange(ref _registered, 1) != 0) _cancellation.Dispose();
        Channel?.Release(Id);
        return true;
    }
}

/// <summary>A pending call whose reply variable holds a <typeparamref name="TResult"/>.</summary>
internal sealed class PendingAsyncCall<TResult>(ProxyHandle handle, uint methodId, EncodedBytes arguments, byte[]? traceContext, CancellationToken cancellationToken, long deadline, Func<Site, EncodedBytes, TResult> decode, Dataflow<TResult> reply)
    : PendingAsyncCall(handle, methodId, arguments, traceContext, cancellationToken, deadline)
{
    protected override void Bind(Site site, EncodedBytes result) => reply.TrySetFromProtocol(decode(site, result));

    protected override void Fault(Exception error) => reply.TryFailFromProtocol(error);
}

/// <summary>
/// A one-way call held, in order with two-way calls, while its home is in TempFail with no connection. Its caller
/// has moved on, so a failure (its home lost, its deadline passed while held) can only be logged.
/// </summary>
internal sealed class PendingOneWayCall(ProxyHandle handle, uint methodId, EncodedBytes arguments, byte[]? traceContext, CancellationToken cancellationToken, long deadline, Microsoft.Extensions.Logging.ILogger logger)
    : PendingAsyncCall(handle, methodId, arguments, traceContext, cancellationToken, deadline)
{
    public override bool IsOneWay => true;

    protected override void Bind(Site site, EncodedBytes result) => result.Return();

    protected override void Fault(Exception error)
        => Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, error, "A one-way call of method 0x{MethodId:x8} on {Reference}, held while its home was unreachable, was dropped.", MethodId, Handle);
}

internal static class AsyncFaults
{
    public static Exception ToException(AsyncFault fault, ProxyHandle handle, uint methodId) => fault.Code switch
    {
        AsyncFaultCode.MethodThrew => new RemoteException(fault.ExceptionType, fault.Message, fault.StackTrace, $"{handle.Type.TypeName} method 0x{methodId:x8}", handle.Home),
        AsyncFaultCode.UnknownObject => new EntityNotFoundException($"Site {handle.Home} no longer has {handle.Type.TypeName}#{handle.ObjectKey:x16}: {fault.Message}"),
        AsyncFaultCode.UnknownMethod => new UnknownMethodException(handle.Type.TypeName, methodId),
        AsyncFaultCode.Overloaded => new ActiveObjectOverloadedException(fault.Message),
        AsyncFaultCode.EntityKilled => Killed(handle, $"Async call of method 0x{methodId:x8}"),
        AsyncFaultCode.ResultTooLarge => new RemoteException(fault.ExceptionType, fault.Message, null, $"{handle.Type.TypeName} method 0x{methodId:x8}", handle.Home),
        // MemoryPack failed at home: reading the arguments, or, once the method ran, writing its result.
        AsyncFaultCode.BadArguments => new RemoteException(fault.ExceptionType, fault.Message, fault.StackTrace, $"{handle.Type.TypeName} method 0x{methodId:x8} (serialization)", handle.Home),
        _ => new ProtocolViolationException($"Site {handle.Home} rejected the async call ({fault.Code}): {fault.Message}"),
    };

    /// <summary>Home says the object was killed: the reference is PermFail from now on, here too.</summary>
    public static EntityFaultException Killed(ProxyHandle handle, string operation)
    {
        handle.Fault.TrySetFinal(FaultState.PermFail, "killed at its home");
        return FaultGate.Refusal(handle, operation);
    }
}
