using System.Collections.Concurrent;
using System.Text;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>Runs seeds with a bounded number at once, and sums up what they did: faults injected and how calls ended.</summary>
internal static class BatchRunner
{
    public static async Task<IReadOnlyList<RunReport>> RunAsync(IEnumerable<int> seeds, int parallelism)
    {
        var reports = new ConcurrentBag<RunReport>();
        using var stalls = new StallWatch();
        await Parallel.ForEachAsync(seeds, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (seed, _) => reports.Add(await SimRun.RunAsync(seed, stalls)));
        return reports.OrderBy(r => r.Scenario.Seed).ToList();
    }

    public static string Summarize(IReadOnlyList<RunReport> reports, TimeSpan elapsed, int parallelism)
    {
        var seeds = reports.Select(r => r.Scenario.Seed).ToList();
        var faults = reports.SelectMany(r => r.Scenario.Faults).ToList();
        var ops = reports.SelectMany(r => r.Outcomes).Where(o => !o.Skipped).ToList();
        var text = new StringBuilder();
        text.AppendLine($"seeds {seeds.Min()}-{seeds.Max()}: {reports.Count} runs, {reports.Count(r => !r.Passed)} failed, in {elapsed.TotalSeconds:0.0} s with {parallelism} at once "
                        + $"(a run takes {reports.Average(r => r.Duration.TotalMilliseconds):0} ms on average, {reports.Max(r => r.Duration.TotalMilliseconds):0} ms at most)");
        text.AppendLine($"faults: {faults.OfType<Crash>().Count()} crashes in {reports.Count(r => r.Scenario.Crashes.Any())} runs, "
                        + $"{faults.OfType<Partition>().Count()} partitions, {faults.OfType<Slowdown>().Count()} slowdowns; "
                        + $"the [Cached] state was lost in {reports.Count(r => r.Stats.CachedLost)} runs and survived a crash in {reports.Count(r => r.Scenario.Crashes.Any() && !r.Stats.CachedLost)}");
        var releases = reports.Select(r => r.Stats.Releases).ToList();
        var planned = reports.SelectMany(r => r.Scenario.Releases).ToList();
        text.AppendLine($"releases: {planned.Count} planned in {reports.Count(r => r.Scenario.Releases.Count > 0)} runs "
                        + $"({planned.Count(x => x.Protocol == Protocol.Cached)} [Cached], {planned.Count(x => x.Protocol == Protocol.Async)} [Async]; {planned.Count(x => x.Drop)} drops); {releases.Sum(r => r.Played)} played, "
                        + $"{releases.Sum(r => r.Released)} released ({releases.Sum(r => r.ReleasedAfterWaiting)} once the [Cached] state had moved on), {releases.Sum(r => r.Kept)} kept (the state stayed), "
                        + $"{releases.Sum(r => r.Dropped)} dropped ({releases.Sum(r => r.Collected)} collected), {releases.Sum(r => r.TakenAgain)} taken again in {releases.Sum(r => r.Takes)} takes");
        text.AppendLine($"holder probe: {reports.Sum(r => r.Stats.ProbeSamples)} samples, {reports.Sum(r => r.Stats.ProbeSawOneHolder)} with one holder");
        text.AppendLine($"stalls: {ops.Count(o => o.ProcessStalledMs > 0)} calls ran through a stall of the whole process (longest {ops.Select(o => o.ProcessStalledMs).DefaultIfEmpty(0).Max()} ms), "
                        + $"{ops.Count(o => o.PoolStalledMs > 0)} through one of the thread pool (longest {ops.Select(o => o.PoolStalledMs).DefaultIfEmpty(0).Max()} ms)");
        foreach (var protocol in Enum.GetValues<Protocol>())
        {
            var mine = ops.Where(o => o.Op.Protocol == protocol).ToList();
            var endings = mine.GroupBy(o => o.Error is null ? "value" : OpOutcome.Describe(o.Error)).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
            var longest = mine.Where(o => o.EndedMs is not null).Select(o => o.EndedMs!.Value - o.StartedMs).DefaultIfEmpty(0).Max();
            text.AppendLine($"{protocol.ToString().ToLowerInvariant()}: {mine.Count} calls: {string.Join(", ", endings)}; longest {longest} ms");
        }
        return text.ToString();
    }
}
