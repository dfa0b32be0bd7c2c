using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>
/// A plain Stopwatch harness. BenchmarkDotNet is not used: it runs each benchmark in a process of its own
/// making, while these workloads need long-lived server processes that the measuring process talks to.
/// Every workload is verified and warmed up, then they take turns, round after round, so that load from
/// elsewhere on the machine (which drifts over seconds) lands on all of them alike and ratios stay meaningful.
/// </summary>
internal static class Harness
{
    private static readonly TimeSpan SettleTick = TimeSpan.FromMilliseconds(20);

    public static async Task<Measurement[]> MeasureAsync(IReadOnlyList<Workload> workloads, RunSettings settings, CancellationToken cancellationToken)
    {
        var runs = workloads.Select(w => new WorkloadRun(w, settings)).ToArray();
        foreach (var run in runs)
        {
            await run.Workload.Verify(cancellationToken).WaitAsync(RunSettings.PhaseTimeout, cancellationToken);
            await run.WarmUpAsync(cancellationToken);
        }
        for (var round = 1; round <= settings.Rounds; round++)
        {
            Console.Error.WriteLine($"  round {round} of {settings.Rounds}");
            // Every other round backwards, so no workload always follows the same one (a heavy one leaves work behind).
            foreach (var run in round % 2 == 1 ? runs : runs.Reverse()) await run.RoundAsync(cancellationToken);
        }
        return runs.Select(r => r.Result()).ToArray();
    }

    private sealed class WorkloadRun(Workload workload, RunSettings settings)
    {
        private readonly Func<Task>[] _callers = workload.CallerFor is { } callerFor
            ? Enumerable.Range(0, workload.Shape == Shape.Concurrent ? workload.Depth : 1).Select(callerFor).ToArray()
            : [];
        private readonly LatencyHistogram _latency = new();
        private readonly List<double> _rates = new();
        private ProcessSample _client, _server;
        private long _calls;

        public Workload Workload => workload;

        public Task WarmUpAsync(CancellationToken cancellationToken)
            => PhaseAsync(Math.Max(1, (int)(settings.Warmup / settings.Window)), record: false, cancellationToken);

        public async Task RoundAsync(CancellationToken cancellationToken)
        {
            // The garbage of the workload before (gRPC's 6 KB a call) is collected now, not during this one.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var (client, server) = (ProcessSample.Current(), await workload.Server.SampleAsync(cancellationToken));
            var (rates, calls) = await PhaseAsync(settings.WindowsPerRound, record: true, cancellationToken);
            _client += ProcessSample.Current() - client;
            var after = await workload.Server.SampleAsync(cancellationToken);
            _server += after - server;
            _rates.AddRange(rates);
            _calls += calls;
            await SettleAsync(after, cancellationToken);
        }

        /// <summary>
        /// Waits (up to a second) for the server to go quiet, so the collections and timers its calls left
        /// behind run now rather than on the cores the next workload is measured on.
        /// </summary>
        private async Task SettleAsync(ProcessSample last, CancellationToken cancellationToken)
        {
            for (var i = 0; i < 50; i++)
            {
                await Task.Delay(SettleTick, cancellationToken);
                var now = await workload.Server.SampleAsync(cancellationToken);
                if ((now - last).Cpu < SettleTick / 10) return;
                last = now;
            }
        }

        public Measurement Result()
        {
            var measurement = new Measurement(workload.Id, workload.System, workload.Label, workload.Shape, workload.Depth, workload.Payload,
                _latency.PercentileMicros(0.50), _latency.PercentileMicros(0.99), Median(_rates), _calls,
                _client.Cpu.TotalMicroseconds / _calls, _server.Cpu.TotalMicroseconds / _calls,
                _client.AllocatedBytes / (double)_calls, _server.AllocatedBytes / (double)_calls,
                _client.WorkItems / (double)_calls, _server.WorkItems / (double)_calls);
            Console.Error.WriteLine($"  {measurement.Label}: p50 {measurement.P50Micros:F1} µs, p99 {measurement.P99Micros:F1} µs, "
                + $"{measurement.CallsPerSecond:F0} calls/s, {measurement.CpuMicros:F1} µs CPU and {measurement.Bytes:F0} B per call");
            return measurement;
        }

        /// <summary>
        /// Runs the callers (or the pump) for a ramp-up window and then <paramref name="windows"/> measured
        /// windows, and returns the calls/s of each measured window and the calls made in all. Windows rather
        /// than one long average, so a burst of work elsewhere spoils a window, and the median ignores it.
        /// </summary>
        private async Task<(double[] Rates, long Calls)> PhaseAsync(int windows, bool record, CancellationToken cancellationToken)
        {
            var counter = new CallCounter(Math.Max(1, _callers.Length));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var latency = record && workload.Shape != Shape.Pipelined ? _latency : null;
            var work = workload.Pump is { } pump
                ? pump(counter, stop.Token)
                : Task.WhenAll(_callers.Select((call, i) => Task.Run(() => CallLoopAsync(call, workload.BeforeCall, i, counter, latency, stop.Token), CancellationToken.None)));
            var rates = new double[windows];
            try
            {
                await WindowAsync(work, cancellationToken);
                var (lastCount, lastTime) = (counter.Total, Stopwatch.GetTimestamp());
                for (var w = 0; w < windows; w++)
                {
                    await WindowAsync(work, cancellationToken);
                    var (count, time) = (counter.Total, Stopwatch.GetTimestamp());
                    rates[w] = (count - lastCount) * (double)Stopwatch.Frequency / (time - lastTime);
                    (lastCount, lastTime) = (count, time);
                }
            }
            finally
            {
                stop.Cancel();
            }
            await work.WaitAsync(RunSettings.PhaseTimeout, cancellationToken);
            return (rates, counter.Total);
        }

        /// <summary>Waits one window, or less if the work has failed, so a broken server ends the run at once.</summary>
        private async Task WindowAsync(Task work, CancellationToken cancellationToken)
        {
            await Task.WhenAny(work, Task.Delay(settings.Window, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            if (work.IsCompleted) await work;
        }

        private static async Task CallLoopAsync(Func<Task> call, Func<Task>? before, int caller, CallCounter counter, LatencyHistogram? latency, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                if (before is not null) await before();
                var started = Stopwatch.GetTimestamp();
                await call();
                latency?.Record(Stopwatch.GetTimestamp() - started);
                counter.Add(caller);
            }
        }
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
