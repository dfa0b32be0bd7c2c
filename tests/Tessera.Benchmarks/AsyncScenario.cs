using System;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>The same call as <see cref="StationaryCounter.NextBlocking"/>, on an active object.</summary>
[Async]
public partial class AsyncCounter
{
    public virtual int Next(int x) => x + 1;
}

/// <summary>
/// [Async] calls pipelined: one caller fires calls through the async reference and uses each reply in order,
/// keeping a fixed number outstanding, as a program that fires first and uses the values later does.
/// </summary>
internal static class AsyncScenario
{
    public const string Verb = "serve-async";

    /// <summary>Child side: exports one async counter and prints an unlimited ticket for it.</summary>
    public static async Task ServeAsync()
    {
        await using var site = await BenchmarkSite.StartAsync();
        Console.WriteLine(AsyncCounter.Create().OfferUnlimited(site));
        await ChildControl.RunAsync();
    }

    public static Task<Scenario> StartAsync(CancellationToken cancellationToken) => Scenario.StartAsync(async scenario =>
    {
        var server = scenario.Own(await ChildProcess.StartAsync(Verb, TimeSpan.FromSeconds(30), cancellationToken));
        var site = scenario.Own(await BenchmarkSite.StartAsync(cancellationToken));
        var counter = await AsyncCounter.TakeAsync(site, server.Announcement, cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        foreach (var depth in new[] { RunSettings.ShallowDepth, RunSettings.DeepDepth })
        {
            scenario.Workloads.Add(new Workload($"tessera-async-{depth}", SystemUnderTest.Tessera, $"Tessera [Async] Next(int), {depth} outstanding", Shape.Pipelined, depth, Payload.Int, server)
            {
                Pump = (calls, stop) => PumpAsync(counter, depth, calls, stop),
                Verify = async _ => Check.Equal(42, await counter.Next(41), "Tessera [Async] Next(41)"),
            });
        }
    });

    /// <summary>
    /// On a thread of its own, since using a reply blocks until it is bound. The ring holds the calls in
    /// flight in the order they were made; the oldest is used (and checked) before its slot takes a new call.
    /// </summary>
    private static Task PumpAsync(AsyncCounter.Ref counter, int depth, CallCounter calls, CancellationToken stop) => Task.Factory.StartNew(() =>
    {
        var ring = new Dataflow<int>[depth];
        var (sent, used) = (0, 0);
        while (!stop.IsCancellationRequested)
        {
            if (sent - used == depth) Use(ring, used++, depth, calls);
            ring[sent % depth] = counter.Next(sent);
            sent++;
        }
        while (used < sent) Use(ring, used++, depth, calls);
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void Use(Dataflow<int>[] ring, int call, int depth, CallCounter calls)
    {
        Check.Equal(call + 1, ring[call % depth].GetValue(RunSettings.PhaseTimeout), "Tessera [Async] Next");
        calls.Add(0);
    }
}
