using System;
using System.Threading;
using System.Threading.Tasks;
using Tessera;
using Tessera.Wire;

namespace Tessera.TestHost;

/// <summary>
/// <c>churn-home</c>: the home of a churn run (see <see cref="ChurnClient"/>), in a process of its own so that
/// its memory is its own. Offers a <see cref="WidgetFactory"/> and prints "ticket=TICKET"; then, for each line on
/// stdin, waits until it exports only the factory again and prints "home exports=E bytes=B returns=R" (its
/// managed memory after full collections, and the weight-return messages received so far).
/// </summary>
internal static class ChurnHome
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync()
    {
        await using var site = await Site.StartAsync(new SiteOptions { Gc = new GcOptions { WeightReturnDelay = TimeSpan.FromMilliseconds(20) } });
        Console.Out.WriteLine($"ticket={new WidgetFactory().OfferUnlimited(site)}");
        Console.Out.Flush();
        var baseline = site.ExportedCount;
        while (await Console.In.ReadLineAsync() is not null)
        {
            await SettleAsync(site, baseline);
            Console.Out.WriteLine($"home exports={site.ExportedCount} bytes={SettledMemory.Measure()} returns={site.Counters.Received(MessageKind.WeightReturn)}");
            Console.Out.Flush();
        }
        return 0;
    }

    /// <summary>Waits for the weight still on its way; a run that never settles reports its export count and the test fails on it.</summary>
    private static async Task SettleAsync(Site site, int baseline)
    {
        using var deadline = new CancellationTokenSource(SettleTimeout);
        while (site.ExportedCount != baseline && !deadline.IsCancellationRequested) await Task.Delay(10, CancellationToken.None);
    }
}
