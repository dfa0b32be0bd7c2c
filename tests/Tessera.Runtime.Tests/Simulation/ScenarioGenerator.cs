namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Draws a <see cref="Scenario"/> from a seed, and only from it: one <see cref="Random"/>, drawn in a fixed order,
/// so the same seed gives the same plan in any process.
/// </summary>
internal static class ScenarioGenerator
{
    /// <summary>The faulty phase: faults start and the workload is issued within it.</summary>
    public const int WindowMs = 400;

    /// <summary>The share of stationary and cached calls made through the blocking form of the method.</summary>
    private const double BlockingShare = 0.2;

    /// <summary>The share of runs in which sites release references in the middle of their workload and take the objects again.</summary>
    private const double ReleaseShare = 0.3;

    /// <summary>The share of those sites that drop their reference for the CLR to collect instead of releasing it.</summary>
    private const double DropShare = 0.5;

    public static Scenario Generate(int seed)
    {
        var random = new Random(seed);
        var sites = random.Next(3, 5);
        var homes = new Homes(random.Next(sites), random.Next(sites), random.Next(sites), random.Next(sites));
        var modes = Enumerable.Range(0, sites).Select(_ => random.Next(2) == 0 ? FaultDetection.ThrowOnUse : FaultDetection.WaitForRecovery).ToArray();
        var faults = Faults(random, sites);
        const int rounds = 2;
        var ops = new List<PlannedOp>();
        long id = 1;
        Stationary(random, sites, homes, ops, ref id);
        Cached(random, sites, ops, ref id);
        Async(random, sites, homes, ops, ref id);
        Binds(random, sites, rounds, ops, ref id);
        // Drawn last, so every other part of a seed's plan is what it was before releases existed.
        var releases = Releases(random, sites, homes, ops, ref id);
        return new Scenario(seed, sites, homes, modes, rounds, faults, ops, releases);
    }

    private static List<FaultEvent> Faults(Random random, int sites)
    {
        var faults = new List<FaultEvent>();
        // At most one crash with three sites, two with four: two sites always survive to compare notes.
        if (random.NextDouble() < 0.4)
        {
            var victims = Enumerable.Range(0, sites).OrderBy(_ => random.Next()).Take(sites == 4 && random.NextDouble() < 0.25 ? 2 : 1).ToList();
            foreach (var victim in victims)
            {
                var crash = new Crash(random.Next(20, WindowMs - 50), victim);
                faults.Add(crash);
                // Sometimes the victim is cut off first, so the crash hides behind the partition: whatever it was
                // sent meanwhile (a token, a forward) never arrives, and nobody can tell until the heal.
                if (random.NextDouble() < 0.3) faults.Add(Isolate(sites, victim, Math.Max(0, crash.AtMs - random.Next(60)), random.Next(100, 500)));
            }
        }
        var partitions = random.NextDouble() switch { < 0.3 => 0, < 0.75 => 1, _ => 2 };
        for (var i = 0; i < partitions; i++) faults.Add(NewPartition(random, sites));
        if (random.NextDouble() < 0.5)
        {
            var links = AllLinks(sites).Where(_ => random.Next(2) == 0).DefaultIfEmpty((0, 1)).ToList();
            faults.Add(new Slowdown(random.Next(0, WindowMs), random.Next(50, 400), random.Next(1, 9), links));
        }
        return faults.OrderBy(f => f.AtMs).ToList();
    }

    private static Partition NewPartition(Random random, int sites)
    {
        var at = random.Next(0, WindowMs - 50);
        // Mostly shorter than the silence bound or a little past it; some outlast the calls' 1 s deadline.
        var duration = random.NextDouble() switch
        {
            < 0.6 => random.Next(20, 250),
            < 0.85 => random.Next(250, 700),
            _ => random.Next(700, 1500),
        };
        var shape = random.NextDouble();
        if (shape < 0.25) return new Partition(at, duration, "all links", AllLinks(sites).ToList());
        var site = random.Next(sites);
        if (shape < 0.65) return Isolate(sites, site, at, duration);
        var other = (site + 1 + random.Next(sites - 1)) % sites;
        var pair = (Math.Min(site, other), Math.Max(site, other));
        return new Partition(at, duration, $"s{pair.Item1}-s{pair.Item2}", new[] { pair });
    }

    private static Partition Isolate(int sites, int site, int at, int duration)
        => new(at, duration, $"s{site} from the rest", AllLinks(sites).Where(l => l.A == site || l.B == site).ToList());

    private static IEnumerable<(int A, int B)> AllLinks(int sites)
        => Enumerable.Range(0, sites).SelectMany(a => Enumerable.Range(a + 1, sites - a - 1).Select(b => (a, b)));

    private static void Stationary(Random random, int sites, Homes homes, List<PlannedOp> ops, ref long id)
    {
        for (var site = 0; site < sites; site++)
        {
            if (site == homes.Stationary) continue;
            var calls = random.Next(1, 5);
            for (var i = 0; i < calls; i++)
            {
                var (at, blocking) = (random.Next(WindowMs), random.NextDouble() < BlockingShare);
                ops.Add(new PlannedOp(Protocol.Stationary, site, at, id++, blocking || random.NextDouble() < 0.7 ? 0 : random.Next(1, 21), blocking));
            }
        }
    }

    private static void Cached(Random random, int sites, List<PlannedOp> ops, ref long id)
    {
        for (var site = 0; site < sites; site++)
        {
            // Some sites call from two flows at once, so calls also queue behind each other on one site.
            var flows = random.NextDouble() < 0.3 ? 2 : 1;
            var times = Enumerable.Range(0, random.Next(2, 7)).Select(_ => random.Next(WindowMs)).Order().ToList();
            foreach (var at in times) ops.Add(new PlannedOp(Protocol.Cached, site, at, id++, random.Next(flows), random.NextDouble() < BlockingShare));
        }
    }

    private static void Async(Random random, int sites, Homes homes, List<PlannedOp> ops, ref long id)
    {
        for (var site = 0; site < sites; site++)
        {
            if (site == homes.Async) continue;
            var at = random.Next(WindowMs - 100);
            var calls = random.Next(4, 13);
            for (var sequence = 0; sequence < calls; sequence++)
            {
                ops.Add(new PlannedOp(Protocol.Async, site, at, id++, sequence));
                at += random.Next(16);
            }
        }
    }

    private static void Binds(Random random, int sites, int rounds, List<PlannedOp> ops, ref long id)
    {
        for (var round = 0; round < rounds; round++)
        {
            var at = random.Next(WindowMs - 50);
            var binders = Enumerable.Range(0, sites).OrderBy(_ => random.Next()).Take(random.Next(2, Math.Min(3, sites) + 1));
            foreach (var site in binders.Order()) ops.Add(new PlannedOp(Protocol.Bind, site, at + random.Next(11), id++, round));
        }
    }

    /// <summary>
    /// In some runs, each site but the home that calls an entity at least twice (at different times) may let go of its
    /// reference between its first and its last call: calls planned before go through the old reference, the rest
    /// through the one it takes again. Each such site releases its reference or drops it (<see cref="DropShare"/>).
    /// </summary>
    /// <remarks>
    /// The draws for [Cached] and [Stationary] come first and are what they were before [Async] releases and drops
    /// existed, so those sites, times and ids are unchanged; the [Async] ones follow, then one draw per release decides
    /// whether it is a drop.
    /// </remarks>
    private static List<PlannedRelease> Releases(Random random, int sites, Homes homes, List<PlannedOp> ops, ref long id)
    {
        var releases = new List<PlannedRelease>();
        if (random.NextDouble() >= ReleaseShare) return releases;
        foreach (var protocol in new[] { Protocol.Cached, Protocol.Stationary, Protocol.Async })
        {
            for (var site = 0; site < sites; site++)
            {
                var times = ops.Where(o => o.Protocol == protocol && o.Site == site).Select(o => o.AtMs).Order().ToList();
                var chosen = random.NextDouble() < 0.5;
                if (!chosen || site == homes.Of(protocol) || times.Count < 2 || times[0] == times[^1]) continue;
                releases.Add(new PlannedRelease(protocol, site, random.Next(times[0] + 1, times[^1] + 1), id++));
            }
        }
        return releases.Select(r => r with { Drop = random.NextDouble() < DropShare }).ToList();
    }
}
