namespace Tessera.Runtime.Tests.Simulation;

/// <summary>Plays a scenario's fault schedule on the run's clock: crashes, holds and releases, slowdowns.</summary>
internal static class FaultScheduler
{
    public static async Task RunAsync(SimWorld world)
    {
        foreach (var (atMs, what, act) in Steps(world).OrderBy(s => s.AtMs))
        {
            await world.Log.UntilAsync(atMs);
            if (what is not null) world.Log.Add(what);
            act();
        }
    }

    private static IEnumerable<(int AtMs, string? What, Action Act)> Steps(SimWorld world)
    {
        foreach (var fault in world.Scenario.Faults)
        {
            switch (fault)
            {
                case Crash crash:
                    // The world logs the crash itself, and only if the site was still alive.
                    yield return (crash.AtMs, null, () => world.Crash(crash.Site));
                    break;
                case Partition partition:
                    yield return (partition.AtMs, $"partition {partition.Shape}", () => world.Hold(partition.Links, hold: true));
                    yield return (partition.AtMs + partition.DurationMs, $"heal {partition.Shape}", () => world.Hold(partition.Links, hold: false));
                    break;
                case Slowdown slowdown:
                    yield return (slowdown.AtMs, $"slow {Scenario.Describe(slowdown.Links)} up to {slowdown.MaxDelayMs}ms", () => world.Slow(slowdown.Links, slowdown.MaxDelayMs));
                    yield return (slowdown.AtMs + slowdown.DurationMs, "slowdown over", () => world.Slow(slowdown.Links, 0));
                    break;
            }
        }
    }
}
