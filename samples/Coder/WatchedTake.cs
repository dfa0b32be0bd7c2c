using System;
using System.Threading;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.Samples.Coder;

/// <summary>
/// <c>take --interval-ms M</c>: keeps calling, one Get every M ms, while it watches the coder's fault stream,
/// so a user can pull the network or kill the home and see what Tessera reports. Ends with
/// <see cref="CoderCli.HomeFailed"/> once the coder is permanently failed: it never waits on a dead home.
/// </summary>
internal static class WatchedTake
{
    public static async Task<int> RunAsync(object coder, Func<CancellationToken, ValueTask<int>> get, int count, TimeSpan interval)
    {
        using var failed = new CancellationTokenSource();
        var watcher = WatchAsync(coder, failed);
        for (var i = 0; (count == 0 || i < count) && !failed.IsCancellationRequested; i++)
        {
            try
            {
                Console.Out.WriteLine(await get(failed.Token));
            }
            catch (EntityFaultException ex)
            {
                Console.Error.WriteLine($"call refused: {ex.State}");
            }
            catch (OperationCanceledException) when (failed.IsCancellationRequested)
            {
                break;
            }
            catch (TesseraException ex)
            {
                // A call on the wire when the connection broke may or may not have run; the fault stream says what comes next.
                Console.Error.WriteLine($"call failed: {ex.GetType().Name}");
            }
            try
            {
                await Task.Delay(interval, failed.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        if (!failed.IsCancellationRequested) failed.Cancel();
        var final = await watcher;
        return final is FaultState.PermFail or FaultState.LocalFail ? CoderCli.HomeFailed : CoderCli.Ok;
    }

    /// <summary>Prints each transition after the first state; cancels <paramref name="failed"/> on a final one.</summary>
    private static async Task<FaultState> WatchAsync(object coder, CancellationTokenSource failed)
    {
        var first = true;
        var last = FaultState.Ok;
        try
        {
            await foreach (var state in Faults.Watch(coder, failed.Token))
            {
                if (!first || state != FaultState.Ok) Console.Out.WriteLine($"fault: {state}");
                first = false;
                last = state;
            }
        }
        catch (OperationCanceledException)
        {
        }
        if (last is FaultState.PermFail or FaultState.LocalFail && !failed.IsCancellationRequested) failed.Cancel();
        return last;
    }
}
