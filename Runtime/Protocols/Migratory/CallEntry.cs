using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// The slow path of a call on a <c>[Cached]</c> object, when it cannot run at once: the fault gate for an
/// imported object (a final state refuses, TempFail refuses or waits as the detection mode says), then a
/// place in the queue, all within one deadline: the site's call timeout, or sooner if the caller cancels.
/// </summary>
internal static class CallEntry
{
    public static void Wait(MigratoryProxy proxy, CancellationToken cancellationToken)
    {
        using var deadline = new WaitDeadline(proxy.Options, cancellationToken);
        Waiter? waiter = null;
        try
        {
            if (proxy.Handle is { } handle)
            {
                var gate = FaultGate.EnterAsync(handle, CallRefusal.Operation, deadline.Token);
                if (!gate.IsCompletedSuccessfully) gate.AsTask().GetAwaiter().GetResult();
            }
            waiter = proxy.Queue(Environment.CurrentManagedThreadId, null);
            waiter?.Turn.Wait(deadline.Token);
        }
        catch (OperationCanceledException ex)
        {
            throw GiveUp(proxy, waiter, deadline, ex);
        }
        catch (AggregateException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
        }
    }

    /// <remarks>
    /// Runs synchronously up to the wait for its turn when the gate is open, so calls made one after another
    /// without awaiting queue in the order they were made.
    /// </remarks>
    public static async Task WaitAsync(MigratoryProxy proxy, object flow, CancellationToken cancellationToken)
    {
        using var deadline = new WaitDeadline(proxy.Options, cancellationToken);
        Waiter? waiter = null;
        try
        {
            if (proxy.Handle is { } handle) await FaultGate.EnterAsync(handle, CallRefusal.Operation, deadline.Token).ConfigureAwait(false);
            waiter = proxy.Queue(0, flow);
            if (waiter is not null) await waiter.Turn.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            throw GiveUp(proxy, waiter, deadline, ex);
        }
    }

    /// <summary>Leaves the queue; a turn granted at the same moment is handed on, since nobody will use it.</summary>
    private static Exception GiveUp(MigratoryProxy proxy, Waiter? waiter, WaitDeadline deadline, OperationCanceledException reason)
    {
        if (waiter is not null)
        {
            if (proxy.Withdraw(waiter)) proxy.Exit();
            if (waiter.Turn.IsFaulted && waiter.Turn.Exception?.InnerException is { } failure) return failure;
        }
        return deadline.Expired ? new StateWaitTimeoutException(proxy.Name, proxy.Options.DefaultCallTimeout, reason) : reason;
    }
}
