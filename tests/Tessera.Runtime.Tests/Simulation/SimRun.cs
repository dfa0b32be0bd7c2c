using Tessera.Runtime.Tests.Sites;
using System.Diagnostics;
using System.Text;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// One seeded run: sites and entities set up without faults; then the workload of all four protocols under the
/// fault schedule; then the heal, the settling of fault states, the last reads, and every invariant.
/// </summary>
internal static class SimRun
{
    /// <summary>A run that outlives this has hung somewhere the per-call checks cannot see (a schedule or a setup).</summary>
    private static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(30);

    public static async Task<RunReport> RunAsync(int seed, StallWatch stalls)
    {
        var scenario = ScenarioGenerator.Generate(seed);
        var clock = Stopwatch.StartNew();
        var findings = new Findings();
        var played = (Outcomes: Array.Empty<OpOutcome>(), Stats: new RunStats(0, 0, false, ReleaseStats.None));
        SimWorld? world = null;
        try
        {
            world = await SimWorld.StartAsync(scenario).WaitAsync(RunDeadline);
            played = await PlayAsync(world, stalls, findings).WaitAsync(RunDeadline);
        }
        catch (Exception ex)
        {
            findings.Add($"the run itself failed: {ex}");
        }
        finally
        {
            if (world is not null)
            {
                foreach (var problem in await world.StopAsync(SiteHarness.StopDeadline)) findings.Add(problem);
            }
        }
        return new RunReport(scenario, findings.Violations, world?.Log.ToString() ?? "", clock.Elapsed, played.Outcomes, played.Stats);
    }

    private static async Task<(OpOutcome[], RunStats)> PlayAsync(SimWorld world, StallWatch stalls, Findings findings)
    {
        var stationary = await StationaryWorkload.SetUpAsync(world);
        var cached = await CachedWorkload.SetUpAsync(world);
        var active = await AsyncWorkload.SetUpAsync(world);
        var binds = await BindWorkload.SetUpAsync(world);
        var entities = new Dictionary<Protocol, IEntityReferences>
        {
            [Protocol.Stationary] = stationary.Entities,
            [Protocol.Cached] = cached.Entities,
            [Protocol.Async] = active.Entities,
            [Protocol.Bind] = binds.Entities,
        };
        var probe = new HolderProbe(world, cached.Entities);
        using var streams = new FaultStreamProbe(world, entities);
        var recorder = new OpRecorder(world, stalls);

        world.Log.Start();
        var faults = FaultScheduler.RunAsync(world);
        var work = Task.WhenAll(stationary.RunAsync(recorder), cached.RunAsync(recorder), active.RunAsync(recorder), binds.RunAsync(recorder));
        await Task.WhenAll(work, faults, probe.RunAsync(work));
        world.Links.HealAll();
        world.Log.Add("workload over, network healed");

        await FaultStateInvariants.CheckAsync(world, entities, findings);
        await streams.CheckAsync(world, findings);
        var reads = await cached.ReadAllAsync();
        var copies = await binds.SettleAsync();

        recorder.AccountStalls();
        stationary.Retakes.AccountStalls(stalls);
        cached.Retakes.AccountStalls(stalls);
        active.Retakes.AccountStalls(stalls);
        var all = recorder.All;
        findings.RequireEnded(all);
        findings.RequireTyped(all);
        var (casualties, homes) = (world.Casualties, world.Scenario.Homes);
        foreach (var protocol in new[] { Protocol.Stationary, Protocol.Async, Protocol.Bind }) casualties.RequireCause(Of(all, protocol), homes.Of(protocol), findings);
        StationaryInvariants.Check(Of(all, Protocol.Stationary), stationary.Journal.Snapshot(), findings);
        CachedInvariants.Check(casualties, homes.Cached, Of(all, Protocol.Cached), reads, Overlap.Of(world.Name).Overlaps, findings);
        if (probe.DoubleHolder is { } holders) findings.Add($"cached: {holders} (sampled {probe.Samples} times)");
        if (probe.ReleasedHolder is { } released) findings.Add($"cached: {released}, after its release (sampled {probe.Samples} times)");
        var retakes = stationary.Retakes.Records.Concat(cached.Retakes.Records).Concat(active.Retakes.Records).ToList();
        var ran = stationary.Journal.Snapshot().Concat(reads.Values.SelectMany(r => r.Applied ?? [])).Concat(active.ProbesRan()).ToHashSet();
        RetakeInvariants.Check(retakes, casualties, homes, ran, findings);
        AsyncInvariants.Check(Of(all, Protocol.Async), active.Journal.Snapshot(), active.Overlap.Overlaps, findings);
        BindInvariants.Check(!casualties.Has(homes.Variables), Of(all, Protocol.Bind), copies, findings);
        world.Log.Add($"cached state: {string.Join("; ", reads.Select(r => $"s{r.Key} {r.Value}"))}");
        return (all, new RunStats(probe.Samples, probe.OneHolder, reads.Values.All(r => r.Applied is null), ReleaseStats.Of(retakes)));
    }

    private static List<OpOutcome> Of(IEnumerable<OpOutcome> outcomes, Protocol protocol) => outcomes.Where(o => o.Op.Protocol == protocol).ToList();
}

/// <summary>What a run measured besides its violations: the holder probe's samples, whether the [Cached] state was lost, and what its releases did.</summary>
internal sealed record RunStats(int ProbeSamples, int ProbeSawOneHolder, bool CachedLost, ReleaseStats Releases);

/// <summary>
/// A run's releases and drops: how many were played, how many let go of the reference (some only once a [Cached] state
/// here had moved on), how many kept it because the state stayed, how many dropped it and how many of those the CLR
/// collected, and how many sites took the object again, in how many takes.
/// </summary>
internal sealed record ReleaseStats(int Played, int Released, int ReleasedAfterWaiting, int Kept, int Dropped, int Collected, int TakenAgain, int Takes)
{
    public static readonly ReleaseStats None = new(0, 0, 0, 0, 0, 0, 0, 0);

    public static ReleaseStats Of(IReadOnlyCollection<RetakeRecord> records) => new(
        records.Count,
        records.Count(r => r.ReleaseReturned),
        records.Count(r => r.ReleaseReturned && r.Refusals > 0),
        records.Count(r => r.Kept),
        records.Count(r => r.DroppedMs is not null),
        records.Count(r => r.Collections is not null),
        records.Count(r => r.Fresh is not null),
        records.Sum(r => r.Takes.Count));
}

/// <summary>A finished run: its plan, what it found, and what it logged.</summary>
internal sealed record RunReport(Scenario Scenario, IReadOnlyList<string> Violations, string Log, TimeSpan Duration, IReadOnlyList<OpOutcome> Outcomes, RunStats Stats)
{
    public bool Passed => Violations.Count == 0;

    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"seed {Scenario.Seed} {(Passed ? "passed" : $"FAILED ({Violations.Count} violation(s))")} in {Duration.TotalMilliseconds:0}ms; "
                        + $"replay: TESSERA_SIM_SEED={Scenario.Seed} dotnet test tests/Tessera.Runtime.Tests --filter FullyQualifiedName~Simulation");
        text.Append(Scenario.Describe());
        foreach (var violation in Violations) text.AppendLine("  VIOLATION " + violation);
        text.AppendLine("  log (ms from the start of the faults):");
        foreach (var line in Log.Split(Environment.NewLine)) text.AppendLine("    " + line);
        return text.ToString();
    }
}
