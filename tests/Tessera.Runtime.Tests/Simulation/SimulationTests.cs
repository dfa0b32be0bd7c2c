using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// The seeded simulation (docs/simulation.md): every run plays all four protocols on 3-4 in-memory sites under
/// random crashes, partitions and delays, and checks every invariant. A failing run prints its seed, its plan
/// and its log; <c>TESSERA_SIM_SEED=N</c> replays it.
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class SimulationTests(ITestOutputHelper output)
{
    /// <summary>Failing runs shown in full in the assertion message; the rest are listed by seed.</summary>
    private const int ShownInFull = 3;

    public static TheoryData<int> Batches()
    {
        var batches = new TheoryData<int>();
        for (var batch = 0; batch < SimulationPlan.FromEnvironment().Batches; batch++) batches.Add(batch);
        return batches;
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public async Task Every_run_keeps_every_invariant(int batch)
    {
        var plan = SimulationPlan.FromEnvironment();
        var clock = Stopwatch.StartNew();
        var reports = await BatchRunner.RunAsync(plan.SeedsOf(batch), plan.Parallelism);
        output.WriteLine(BatchRunner.Summarize(reports, clock.Elapsed, plan.Parallelism));
        if (plan.IsReplay) output.WriteLine(reports[0].Describe());

        // A probe that never sees the one holder there is would never see two either.
        Assert.True(reports.Sum(r => r.Stats.ProbeSawOneHolder) > 0, "The holder probe never saw the [Cached] state anywhere: it no longer reads the proxies right.");
        var failed = reports.Where(r => !r.Passed).ToList();
        Assert.True(failed.Count == 0,
            $"{failed.Count} of {reports.Count} runs broke an invariant; seeds: {string.Join(", ", failed.Select(r => r.Scenario.Seed))}{Environment.NewLine}"
            + string.Join(Environment.NewLine, failed.Take(ShownInFull).Select(r => r.Describe())));
    }
}
