using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.TestHost;

/// <summary>
/// A holder that keeps calling a Calculator and prints, with the milliseconds since it started,
/// "fault: STATE" for each transition and "pending ended" when a call in flight ends with a fault.
/// Exits 3 once the Calculator is PermFail, 0 when stdin closes.
/// </summary>
internal static class FaultWatcher
{
    public static async Task<int> RunAsync(string ticket, int intervalMs)
    {
        await using var site = await Site.StartAsync(new SiteOptions
        {
            DefaultCallTimeout = TimeSpan.FromSeconds(30),
            Faults = new FaultOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(250), PermFailGrace = TimeSpan.FromSeconds(2) },
        });
        var calculator = await Calculator.TakeAsync(site, ticket);
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        _ = StopWhenStdinClosesAsync(stop);
        var pending = calculator.DelayAsync(600_000, CancellationToken.None);
        Console.Out.WriteLine($"ready {calculator.Add(1, 2)}");
        var calls = CallAsync(calculator, intervalMs, stop.Token);
        var final = FaultState.Ok;
        try
        {
            await foreach (var state in Faults.Watch(calculator, stop.Token))
            {
                if (state == FaultState.Ok && final == FaultState.Ok) continue;
                final = state;
                Console.Out.WriteLine($"fault: {state} at {clock.ElapsedMilliseconds} ms");
            }
        }
        catch (OperationCanceledException)
        {
        }
        var ended = await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(5)));
        Console.Out.WriteLine(ended == pending ? $"pending ended: {pending.Exception?.InnerException?.GetType().Name}" : "pending still running");
        await stop.CancelAsync();
        await calls;
        return final == FaultState.PermFail ? 3 : 0;
    }

    private static async Task CallAsync(Calculator calculator, int intervalMs, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && FaultState.PermFail != Faults.StateOf(calculator))
        {
            try
            {
                calculator.Add(1, 1);
            }
            catch (TesseraException)
            {
            }
            try
            {
                await Task.Delay(intervalMs, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task StopWhenStdinClosesAsync(CancellationTokenSource stop)
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[64];
        while (await stdin.ReadAsync(buffer) > 0)
        {
        }
        await stop.CancelAsync();
    }
}
