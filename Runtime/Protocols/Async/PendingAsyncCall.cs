using System;
using System.Threading;
using Tessera.Diagnostics;
using Tessera.Infrastructure;
using Tessera.Wire;

namespace Tessera.Protocols.Async;

/// <summary>
/// A call's reply variable while the call is on the wire. Exactly one of the reply, the deadline, the
/// caller's cancellation and the connection's loss ends it; the one that does frees its window slot.
/// </summary>
internal abstract class PendingAsyncCall
{
    private int _ended;
    private int _registered;
    private long _deadline;
    private CancellationTokenRegistration _cancellation;

    public AsyncChannel? Channel { get; private set; }

    public long Id { get; private set; }

    /// <summary>The call's activity and metrics, ended with the call whichever way it ends.</summary>
    public CallTelemetry Telemetry { get; set; }

    /// <summary>Names the call; <paramref name="deadline"/> is a <see cref="TimeProvider.GetTimestamp"/> value the channel's sweep checks.</summary>
    public void Start(AsyncChannel channel, long id, long deadline)
    {
        Channel = channel;
        Id = id;
        _deadline = deadline;
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

    public void OnReply(Site site, AsyncReply reply)
    {
        if (!TryEnd()) return;
        try
        {
            Bind(site, reply.Result);
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

    public bool IsPast(long now) => now >= _deadline;

    public abstract ProxyHandle Handle { get; }

    public abstract uint MethodId { get; }

    protected abstract void Bind(Site site, byte[] result);

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
internal sealed class PendingAsyncCall<TResult>(ProxyHandle handle, uint methodId, Func<Site, byte[], TResult> decode, Dataflow<TResult> reply) : PendingAsyncCall
{
    public override ProxyHandle Handle => handle;

    public override uint MethodId => methodId;

    protected override void Bind(Site site, byte[] result) => reply.TrySetFromProtocol(decode(site, result));

    protected override void Fault(Exception error) => reply.TryFailFromProtocol(error);
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
        _ => new ProtocolViolationException($"Site {handle.Home} rejected the async call ({fault.Code}): {fault.Message}"),
    };

    /// <summary>Home says the object was killed: the reference is PermFail from now on, here too.</summary>
    public static EntityFaultException Killed(ProxyHandle handle, string operation)
    {
        handle.Fault.TrySetFinal(FaultState.PermFail, "killed at its home");
        return FaultGate.Refusal(handle, operation);
    }
}
