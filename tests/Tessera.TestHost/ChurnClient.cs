using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.TestHost;

/// <summary>
/// <c>churn TICKET N</c>: takes a <see cref="WidgetFactory"/>, makes N widgets and drops each at once. After the
/// first fifth it prints "warm=BYTES" (its managed memory, the baseline) and waits for a line on stdin, so the
/// home can measure its own baseline; at the end it waits until every dropped proxy is collected and prints
/// "done" with its memory again. Keeps its site up until stdin closes.
/// </summary>
internal static class ChurnClient
{
    public static async Task<int> RunAsync(string ticket, int count)
    {
        await using var site = await Site.StartAsync();
        var factory = await WidgetFactory.TakeAsync(site, ticket);
        var clock = Stopwatch.StartNew();
        var warmup = count / 5;
        MakeAndDrop(factory, warmup);
        await SettleAsync(site);
        var warm = SettledMemory();
        Console.Out.WriteLine($"warm={warm}");
        Console.Out.Flush();
        if (await Console.In.ReadLineAsync() is null) return 1;
        MakeAndDrop(factory, count - warmup);
        await SettleAsync(site);
        var end = SettledMemory();
        Console.Out.WriteLine($"done proxies={count} seconds={clock.Elapsed.TotalSeconds:0.0} warm={warm} end={end} {site.Counters}");
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync() is not null)
        {
        }
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeAndDrop(WidgetFactory factory, int count)
    {
        for (var i = 0; i < count; i++) factory.Make();
    }

    private static async Task SettleAsync(Site site)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (site.ProxyCount != 1)
        {
            SettledMemory();
            await Task.Delay(10, deadline.Token);
        }
    }

    private static long SettledMemory()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
