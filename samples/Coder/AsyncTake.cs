using System;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.Samples.Coder;

/// <summary><c>take --mode async</c>: N calls fired without waiting, then each value used as it is needed.</summary>
internal static class AsyncTake
{
    public static async Task RunAsync(Site site, string ticket, int count)
    {
        var coder = await AsyncCoder.TakeAsync(site, ticket);
        var values = new Dataflow<int>[count];
        for (var i = 0; i < count; i++) values[i] = coder.Get();
        long sum = 0;
        foreach (var value in values)
        {
            int x = await value;
            Console.Out.WriteLine(x);
            sum += x;
        }
        Console.Out.WriteLine($"sum={sum}");
    }
}
