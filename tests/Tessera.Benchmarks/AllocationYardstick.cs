using System;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Tessera.Infrastructure;

namespace Tessera.Benchmarks;

/// <summary>
/// Measures the one allocation a [Stationary] call may make: the <c>Task&lt;int&gt;</c> its proxy method returns.
/// A generated proxy method is an async method that suspends on the runtime's <c>ValueTask&lt;EncodedBytes&gt;</c>,
/// so its task carries the method's state; this measures a method of that same shape, on one thread, exactly.
/// </summary>
internal sealed class AllocationYardstick : IValueTaskSource<EncodedBytes>
{
    private const int Calls = 10_000;

    private ManualResetValueTaskSourceCore<EncodedBytes> _reply;
    private readonly object _handle = new();

    /// <summary>Bytes of one task returned by a suspended async method shaped like a proxy method.</summary>
    public static double OneProxyTaskBytes()
    {
        var yardstick = new AllocationYardstick();
        yardstick.Run(Calls);
        var before = GC.GetAllocatedBytesForCurrentThread();
        yardstick.Run(Calls);
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;
    }

    private void Run(int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            _reply.Reset();
            var call = Next(i);
            // The continuation runs here, inline, so the task is complete when this returns.
            _reply.SetResult(default);
            if (call.Result != i + 1) throw new InvalidOperationException("The yardstick's call returned the wrong value.");
        }
    }

    private async Task<int> Next(int x)
    {
        var reply = await new ValueTask<EncodedBytes>(this, _reply.Version).ConfigureAwait(false);
        return reply.Length + x + (_handle is null ? 0 : 1);
    }

    EncodedBytes IValueTaskSource<EncodedBytes>.GetResult(short token) => _reply.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<EncodedBytes>.GetStatus(short token) => _reply.GetStatus(token);

    void IValueTaskSource<EncodedBytes>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _reply.OnCompleted(continuation, state, token, flags);
}
