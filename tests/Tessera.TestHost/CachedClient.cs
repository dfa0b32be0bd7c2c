using System;
using System.Linq;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.TestHost;

/// <summary>
/// The test host's [Cached] roles: <c>increment TICKET N</c> makes N concurrent increments, prints "done"
/// and keeps its site up until stdin closes (leaving earlier could take the state with it);
/// <c>hold TICKET</c> takes the state and keeps it until the process is killed.
/// </summary>
internal static class CachedClient
{
    public static async Task<int> IncrementAsync(string ticket, int count)
    {
        await using var site = await Site.StartAsync(new SiteOptions { DefaultCallTimeout = TimeSpan.FromSeconds(60) });
        var counter = await CachedCounter.TakeAsync(site, ticket);
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => counter.IncrementAsync()));
        Console.Out.WriteLine($"done {site.Counters}");
        Console.Out.Flush();
        await WaitForStdinToCloseAsync();
        return 0;
    }

    public static async Task<int> HoldAsync(string ticket)
    {
        await using var site = await Site.StartAsync();
        var counter = await CachedCounter.TakeAsync(site, ticket);
        await counter.HoldAsync();
        return 0;
    }

    private static async Task WaitForStdinToCloseAsync()
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[64];
        while (await stdin.ReadAsync(buffer) > 0)
        {
        }
    }
}
