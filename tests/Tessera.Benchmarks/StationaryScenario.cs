using System;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>The [Stationary] object under test: it does nothing, so a call costs only what Tessera adds.</summary>
[Stationary]
public partial class StationaryCounter
{
    /// <summary>The same shape as the Orleans grain's and the gRPC service's call.</summary>
    public virtual Task<int> Next(int x) => Task.FromResult(x + 1);

    /// <summary>The plain blocking form of the call, as code written against a local object makes it.</summary>
    public virtual int NextBlocking(int x) => x + 1;

    public virtual Task<byte[]> Echo(byte[] payload) => Task.FromResult(payload);
}

internal static class StationaryScenario
{
    public const string Verb = "serve-stationary";

    /// <summary>Child side: exports one counter and prints an unlimited ticket for it.</summary>
    public static async Task ServeAsync()
    {
        await using var site = await BenchmarkSite.StartAsync();
        Console.WriteLine(new StationaryCounter().OfferUnlimited(site));
        await ChildControl.RunAsync();
    }

    public static Task<Scenario> StartAsync(CancellationToken cancellationToken) => Scenario.StartAsync(async scenario =>
    {
        var server = scenario.Own(await ChildProcess.StartAsync(Verb, TimeSpan.FromSeconds(30), cancellationToken));
        var site = scenario.Own(await BenchmarkSite.StartAsync(cancellationToken));
        var counter = await StationaryCounter.TakeAsync(site, server.Announcement, cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var kib = new byte[RunSettings.KiB];
        Random.Shared.NextBytes(kib);

        Func<CancellationToken, Task> verifyNext = async _ => Check.Equal(42, await counter.Next(41), "Tessera Next(41)");
        Func<int, Func<Task>> next = caller => () => counter.Next(caller);
        scenario.Workloads.Add(new Workload("tessera-stationary-int-seq", SystemUnderTest.Tessera, "Tessera [Stationary] Task<int> Next(int)", Shape.Sequential, 1, Payload.Int, server)
            { CallerFor = next, Verify = verifyNext });
        scenario.Workloads.Add(new Workload($"tessera-stationary-int-{RunSettings.Callers}", SystemUnderTest.Tessera, $"Tessera [Stationary] Task<int> Next(int), {RunSettings.Callers} callers", Shape.Concurrent, RunSettings.Callers, Payload.Int, server)
            { CallerFor = next, Verify = verifyNext });
        // A blocked thread per caller: on 2 cores, 64 of them would measure the thread pool, so one caller only.
        scenario.Workloads.Add(new Workload("tessera-stationary-blocking-seq", SystemUnderTest.Tessera, "Tessera [Stationary] int NextBlocking(int)", Shape.Sequential, 1, Payload.Int, server)
        {
            CallerFor = _ => () =>
            {
                counter.NextBlocking(1);
                return Task.CompletedTask;
            },
            Verify = _ =>
            {
                Check.Equal(42, counter.NextBlocking(41), "Tessera NextBlocking(41)");
                return Task.CompletedTask;
            },
        });

        Func<CancellationToken, Task> verifyEcho = async _ => Check.Equal(kib.Length, (await counter.Echo(kib)).Length, "Tessera Echo(1 KiB)");
        Func<int, Func<Task>> echo = _ => () => counter.Echo(kib);
        scenario.Workloads.Add(new Workload("tessera-stationary-kib-seq", SystemUnderTest.Tessera, "Tessera [Stationary] Task<byte[]> Echo(1 KiB)", Shape.Sequential, 1, Payload.KiB, server)
            { CallerFor = echo, Verify = verifyEcho });
        scenario.Workloads.Add(new Workload($"tessera-stationary-kib-{RunSettings.Callers}", SystemUnderTest.Tessera, $"Tessera [Stationary] Task<byte[]> Echo(1 KiB), {RunSettings.Callers} callers", Shape.Concurrent, RunSettings.Callers, Payload.KiB, server)
            { CallerFor = echo, Verify = verifyEcho });
    });
}
