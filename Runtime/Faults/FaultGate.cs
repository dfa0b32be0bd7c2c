using System;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Infrastructure;

namespace Tessera;

/// <summary>
/// The check every remote operation passes before it sends anything: a final state fails it, and TempFail
/// fails it or holds it until recovery, as the reference's detection mode says. Nothing is sent on failure,
/// so a refused operation never runs at home.
/// </summary>
internal static class FaultGate
{
    // Transitions wake waiters at once; the period only bounds how late a Break or a kill is noticed.
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(250);

    public static FaultDetection ModeOf(ProxyHandle handle) => handle.FaultIfAny?.Detection ?? handle.Site.Options.Faults.Detection;

    /// <summary>The blocking form, for blocking proxy methods.</summary>
    public static void Enter(ProxyHandle handle, uint methodId, CancellationToken cancellationToken)
    {
        if (new FaultedEntity(handle, handle).State == FaultState.Ok) return;
        WaitUsableAsync(handle, methodId, cancellationToken).AsTask().GetAwaiter().GetResult();
    }

    public static ValueTask EnterAsync(ProxyHandle handle, uint methodId, CancellationToken cancellationToken)
        => new FaultedEntity(handle, handle).State == FaultState.Ok ? default : WaitUsableAsync(handle, methodId, cancellationToken);

    public static ValueTask EnterAsync(ProxyHandle handle, string operation, CancellationToken cancellationToken)
        => new FaultedEntity(handle, handle).State == FaultState.Ok ? default : WaitUsableAsync(handle, () => operation, cancellationToken);

    /// <summary>Refuses an operation for <paramref name="state"/>, the state it was decided on: read again, it may already have recovered.</summary>
    public static EntityFaultException Refusal(ProxyHandle handle, string operation, FaultState state)
        => new(handle.ToString(), state, operation, new FaultedEntity(handle, handle).Reason);

    /// <summary>Refuses an operation on an entity in a final state, which cannot change any more.</summary>
    public static EntityFaultException Refusal(ProxyHandle handle, string operation)
        => Refusal(handle, operation, new FaultedEntity(handle, handle).State);

    // Its own method so the closure over methodId is made only on this slow path: a lambda in Enter or
    // EnterAsync would allocate it on every call, the fast ones included.
    private static ValueTask WaitUsableAsync(ProxyHandle handle, uint methodId, CancellationToken cancellationToken)
        => WaitUsableAsync(handle, () => $"Call of method 0x{methodId:x8}", cancellationToken);

    private static async ValueTask WaitUsableAsync(ProxyHandle handle, Func<string> operation, CancellationToken cancellationToken)
    {
        var entity = new FaultedEntity(handle, handle);
        var time = handle.Site.Options.TimeProvider;
        while (true)
        {
            var state = entity.State;
            if (state == FaultState.Ok) return;
            if (state != FaultState.TempFail || ModeOf(handle) == FaultDetection.ThrowOnUse) throw Refusal(handle, operation(), state);
            try
            {
                await handle.Site.Health.Get(handle.Home).NextChange.WaitAsync(Recheck, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }
}
