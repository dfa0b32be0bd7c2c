using System.Globalization;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Which seeds to run and how many at once. CI runs seeds 1-1024; <c>TESSERA_SIM_SEED=N</c> replays one seed
/// with its whole log; <c>TESSERA_SIM_FIRST=F</c> and <c>TESSERA_SIM_RUNS=R</c> run seeds F to F+R-1 (a long
/// batch); <c>TESSERA_SIM_PARALLEL=P</c> sets how many runs share the machine at once.
/// </summary>
internal sealed record SimulationPlan(int First, int Runs, int Parallelism)
{
    public const int CiFirst = 1;
    public const int CiRuns = 1024;

    /// <summary>Runs per test case: enough to keep the machine busy, few enough that each case reports soon.</summary>
    public const int BatchSize = 64;

    /// <summary>Runs spend most of their time waiting on timers, so several share each core.</summary>
    public static readonly int DefaultParallelism = Math.Max(4, Environment.ProcessorCount * 4);

    public bool IsReplay => Runs == 1;

    public int Batches => (Runs + BatchSize - 1) / BatchSize;

    public static SimulationPlan FromEnvironment()
    {
        var parallelism = Read("TESSERA_SIM_PARALLEL", minimum: 1) ?? DefaultParallelism;
        if (Read("TESSERA_SIM_SEED", int.MinValue) is { } seed) return new SimulationPlan(seed, 1, parallelism);
        return new SimulationPlan(Read("TESSERA_SIM_FIRST", int.MinValue) ?? CiFirst, Read("TESSERA_SIM_RUNS", minimum: 1) ?? CiRuns, parallelism);
    }

    public IEnumerable<int> SeedsOf(int batch)
    {
        var first = First + batch * BatchSize;
        return Enumerable.Range(first, Math.Min(BatchSize, First + Runs - first));
    }

    private static int? Read(string name, int minimum)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text)) return null;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new ArgumentException($"{name}={text}: expected a whole number of at least {minimum}.");
    }
}
