using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>How long each phase runs; <c>--quick</c> shrinks everything to a smoke test.</summary>
internal sealed record RunSettings(TimeSpan Warmup, int LatencySamples, TimeSpan ThroughputDuration, TimeSpan Window, int Rounds, int Concurrency)
{
    public static RunSettings Full { get; } = new(TimeSpan.FromSeconds(2), 20_000, TimeSpan.FromSeconds(4), TimeSpan.FromMilliseconds(250), 4, 64);

    public static RunSettings Quick { get; } = new(TimeSpan.FromMilliseconds(300), 2_000, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(100), 2, 64);

    /// <summary>No phase may hang the run: a lost reply must fail it, not stall it.</summary>
    public TimeSpan PhaseTimeout => TimeSpan.FromSeconds(60) + ThroughputDuration + Warmup;
}

/// <summary>Something to call. <paramref name="CallerFor"/> makes caller number i's call, which may keep per-caller state.</summary>
/// <param name="Concurrent">False skips the many-callers phase, for call shapes that block a thread each.</param>
/// <param name="ServerCpu">The server process's CPU time so far, to split the cost of a call between the two sides.</param>
internal sealed record Target(string Name, Func<int, Func<ValueTask>> CallerFor, Func<TimeSpan> ServerCpu, bool Concurrent = true);

internal sealed record ScenarioResult(string Name, double P50Micros, double P99Micros, double CallsPerSecond1, double? CallsPerSecondN, ClientCost Cost);

/// <summary>
/// What a call cost: allocation and GC in this (the calling) process over the sequential calls, and CPU
/// time per call on each side with many callers.
/// </summary>
internal sealed record ClientCost(double BytesPerCall, int Gen0, int Gen1, int Gen2, double GcPauseMillis, double? ClientCpuMicros, double? ServerCpuMicros);

/// <summary>
/// A plain Stopwatch harness. BenchmarkDotNet is not used: it runs each benchmark in a process of its own
/// making, while these scenarios need long-lived server processes that the measuring process talks to.
/// The targets take turns, round after round, so that load from elsewhere on the machine (which drifts
/// over seconds) lands on all of them alike and their ratios stay meaningful.
/// </summary>
internal static class Harness
{
    public static async Task<ScenarioResult[]> MeasureAsync(IReadOnlyList<Target> targets, RunSettings settings, CancellationToken cancellationToken)
    {
        var samples = targets.Select(t => new Samples(t, settings)).ToArray();
        foreach (var sample in samples) await sample.WarmUpAsync(cancellationToken);
        for (var round = 0; round < settings.Rounds; round++)
        {
            foreach (var sample in samples) await sample.RoundAsync(cancellationToken);
        }
        return samples.Select(s => s.Result()).ToArray();
    }

    private sealed class Samples(Target target, RunSettings settings)
    {
        private readonly Func<ValueTask> _single = target.CallerFor(0);
        private readonly Func<ValueTask>[] _many = Enumerable.Range(0, settings.Concurrency).Select(target.CallerFor).ToArray();
        private readonly List<long> _latencies = new(settings.LatencySamples);
        private readonly List<double> _rates1 = new();
        private readonly List<double> _ratesN = new();
        private long _allocated;
        private int _gen0, _gen1, _gen2;
        private TimeSpan _paused;
        private TimeSpan _clientCpu, _serverCpu;
        private long _callsN;

        public async Task WarmUpAsync(CancellationToken cancellationToken)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(settings.Warmup.TotalSeconds * Stopwatch.Frequency);
            await Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await _single();
                }
            }, cancellationToken).WaitAsync(settings.PhaseTimeout, cancellationToken);
            if (target.Concurrent) await RunAllAsync(_many, settings.Warmup / 2, cancellationToken);
        }

        public async Task RoundAsync(CancellationToken cancellationToken)
        {
            await LatencyAsync(settings.LatencySamples / settings.Rounds, cancellationToken).WaitAsync(settings.PhaseTimeout, cancellationToken);
            _rates1.AddRange(await RunAllAsync([_single], settings.ThroughputDuration / settings.Rounds, cancellationToken));
            if (!target.Concurrent) return;
            var (client, server, calls) = (Environment.CpuUsage.TotalTime, target.ServerCpu(), _callsN);
            _ratesN.AddRange(await RunAllAsync(_many, settings.ThroughputDuration / settings.Rounds, cancellationToken));
            _clientCpu += Environment.CpuUsage.TotalTime - client;
            _serverCpu += target.ServerCpu() - server;
        }

        public ScenarioResult Result()
        {
            _latencies.Sort();
            var p50 = Micros(_latencies[_latencies.Count / 2]);
            var p99 = Micros(_latencies[Math.Min(_latencies.Count - 1, (int)(_latencies.Count * 0.99))]);
            var cost = new ClientCost(_allocated / (double)_latencies.Count, _gen0, _gen1, _gen2, _paused.TotalMilliseconds,
                _callsN > 0 ? _clientCpu.TotalMicroseconds / _callsN : null, _callsN > 0 ? _serverCpu.TotalMicroseconds / _callsN : null);
            var result = new ScenarioResult(target.Name, p50, p99, Median(_rates1), target.Concurrent ? Median(_ratesN) : null, cost);
            Console.Error.WriteLine($"  {result.Name}: p50 {p50:F1} µs, p99 {p99:F1} µs, {result.CallsPerSecond1:F0} calls/s (1), {result.CallsPerSecondN?.ToString("F0") ?? "-"} calls/s ({settings.Concurrency})");
            return result;
        }

        private async Task LatencyAsync(int count, CancellationToken cancellationToken)
        {
            var (allocated, gen0, gen1, gen2, paused) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
            for (var i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                await _single();
                _latencies.Add(Stopwatch.GetTimestamp() - started);
            }
            _allocated += GC.GetTotalAllocatedBytes() - allocated;
            _gen0 += GC.CollectionCount(0) - gen0;
            _gen1 += GC.CollectionCount(1) - gen1;
            _gen2 += GC.CollectionCount(2) - gen2;
            _paused += GC.GetTotalPauseDuration() - paused;
        }

        /// <summary>
        /// Runs every caller in a loop, each awaiting its reply before its next call, and returns the calls/s
        /// of each window after the first (which only ramps up). Windows rather than one long average, so a
        /// burst of work elsewhere spoils a window, and the median ignores it.
        /// </summary>
        private async Task<double[]> RunAllAsync(Func<ValueTask>[] callers, TimeSpan duration, CancellationToken cancellationToken)
        {
            var counts = new long[callers.Length];
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var workers = new Task[callers.Length];
            for (var i = 0; i < callers.Length; i++)
            {
                var (caller, index) = (callers[i], i);
                workers[i] = Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        await caller();
                        Volatile.Write(ref counts[index], counts[index] + 1);
                    }
                }, CancellationToken.None);
            }

            await Task.Delay(settings.Window, cancellationToken);
            var rates = new double[Math.Max(1, (int)(duration / settings.Window))];
            var (lastCount, lastTime) = (Sum(counts), Stopwatch.GetTimestamp());
            for (var w = 0; w < rates.Length; w++)
            {
                await Task.Delay(settings.Window, cancellationToken);
                var (count, time) = (Sum(counts), Stopwatch.GetTimestamp());
                rates[w] = (count - lastCount) * (double)Stopwatch.Frequency / (time - lastTime);
                (lastCount, lastTime) = (count, time);
            }
            stop.Cancel();
            await Task.WhenAll(workers).WaitAsync(settings.PhaseTimeout, cancellationToken);
            if (callers.Length > 1) _callsN += Sum(counts);
            return rates;
        }
    }

    private static long Sum(long[] counts)
    {
        long total = 0;
        for (var i = 0; i < counts.Length; i++) total += Volatile.Read(ref counts[i]);
        return total;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
