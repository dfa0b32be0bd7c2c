using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.TestHost;

/// <summary>
/// <c>churn TICKET N [ENTITIES_PER_MESSAGE]</c>: takes a <see cref="WidgetFactory"/> (see <see cref="ChurnHome"/>),
/// makes N widgets in ten equal steps and drops each at once. After each step it waits until every dropped
/// proxy is collected, prints "mark proxies=K bytes=B" (its managed memory after full collections) and waits for
/// a line on stdin, so the home can measure itself at the same point while nothing churns. Ends with "done".
/// </summary>
internal static class ChurnClient
{
    private const int Steps = 10;

    public static async Task<int> RunAsync(string ticket, int count, int? entitiesPerMessage)
    {
        var gc = entitiesPerMessage is { } batch ? new GcOptions { MaxEntitiesPerMessage = batch } : new GcOptions();
        await using var site = await Site.StartAsync(new SiteOptions { Gc = gc });
        var factory = await WidgetFactory.TakeAsync(site, ticket);
        var churning = new Stopwatch();
        for (var step = 1; step <= Steps; step++)
        {
            churning.Start();
            MakeAndDrop(factory, count * step / Steps - count * (step - 1) / Steps);
            await SettleAsync(site);
            churning.Stop();
            Console.Out.WriteLine($"mark proxies={count * step / Steps} bytes={SettledMemory.Measure()}");
            Console.Out.Flush();
            if (await Console.In.ReadLineAsync() is null) return 1;
        }
        Console.Out.WriteLine($"done proxies={count} seconds={churning.Elapsed.TotalSeconds:0.0} {site.Counters}");
        Console.Out.Flush();
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeAndDrop(WidgetFactory factory, int count)
    {
        for (var i = 0; i < count; i++) factory.Make();
    }

    /// <summary>Collects until only the factory's proxy is left: every dropped proxy was finalized and its weight queued.</summary>
    private static async Task SettleAsync(Site site)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (site.ProxyCount != 1)
        {
            SettledMemory.Collect();
            await Task.Delay(10, deadline.Token);
        }
    }
}
