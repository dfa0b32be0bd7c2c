using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>Starts every scenario's servers, measures all their workloads in one run, and judges the goals.</summary>
internal static class Suite
{
    private sealed record Entry(string Prefix, string Name, bool Peer, Func<CancellationToken, Task<Scenario>> Start);

    public static async Task<RunResults> RunAsync(RunOptions options, CancellationToken cancellationToken)
    {
        var (date, loadAtStart) = (DateTimeOffset.UtcNow, MachineInfo.LoadAverage());
        var notes = new List<string>();
        var entries = new[]
        {
            new Entry("raw-", "raw TCP", false, RawTcpScenario.StartAsync),
            new Entry("tessera-stationary-", "Tessera [Stationary]", false, StationaryScenario.StartAsync),
            new Entry("tessera-async-", "Tessera [Async]", false, AsyncScenario.StartAsync),
            new Entry("tessera-cached-move", "Tessera [Cached]", false, CachedScenario.StartAsync),
            new Entry("orleans-", "Orleans", true, OrleansScenario.StartAsync),
            new Entry("grpc-", "gRPC", true, GrpcScenario.StartAsync),
        }.Where(e => options.Includes(e.Prefix) && !(options.SkipOrleans && e.Prefix == "orleans-") && !(options.SkipGrpc && e.Prefix == "grpc-"));

        var clock = Stopwatch.StartNew();
        var started = new List<Scenario>();
        try
        {
            foreach (var entry in entries)
            {
                Console.Error.WriteLine($"Starting {entry.Name} ({clock.Elapsed.TotalSeconds:F1} s)...");
                if (await StartAsync(entry, notes, cancellationToken) is { } scenario) started.Add(scenario);
            }
            var workloads = started.SelectMany(s => s.Workloads).Where(w => options.Includes(w.Id)).ToList();
            Console.Error.WriteLine($"Measuring {workloads.Count} workloads ({options.Settings.Name} run, {clock.Elapsed.TotalSeconds:F1} s)...");
            var measurements = (await Harness.MeasureAsync(workloads, options.Settings, cancellationToken)).ToList();
            double? reference = null;
            if (options.Includes("tessera-cached-local"))
            {
                var local = CachedScenario.MeasureLocal(options.Settings);
                measurements.Add(local.Cached);
                reference = local.ReferenceNanos;
            }
            return new RunResults(date, MachineInfo.Current(), options.Settings.Name, loadAtStart, MachineInfo.LoadAverage(),
                measurements, reference, Goals.Evaluate(new Comparison(measurements), AllocationYardstick.OneProxyTaskBytes()), notes);
        }
        finally
        {
            // Reverse order, as they were started; each kills its own child processes.
            for (var i = started.Count - 1; i >= 0; i--) await started[i].DisposeAsync();
        }
    }

    /// <summary>The peers are yardsticks: if one fails to start, the others' figures still stand, with a note saying why.</summary>
    private static async Task<Scenario?> StartAsync(Entry entry, List<string> notes, CancellationToken cancellationToken)
    {
        try
        {
            return await entry.Start(cancellationToken);
        }
        catch (Exception ex) when (entry.Peer && ex is not OperationCanceledException)
        {
            var note = $"{entry.Name} left out: it failed to start ({ex.GetType().Name}: {ex.Message}).";
            Console.Error.WriteLine(note);
            notes.Add(note);
            return null;
        }
    }
}
