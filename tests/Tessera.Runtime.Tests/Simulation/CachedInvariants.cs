namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// What [Cached] increments must show. The state is the list of increments applied, so it says exactly which
/// calls ran: at most one holder (no two calls inside at once, no two increments returning the same count); no
/// lost increment while the state survives (each one acknowledged to a live caller is in it, at the position its
/// count says) and no failed call in it (a cached call that fails never ran); and if the state is gone, a site
/// that could have held it crashed (its home, or a site that had asked for it), every survivor that reads after
/// the loss reports PermFail, and none reads it again. Calls on a crashed site are a dead process's: they may or
/// may not be in the state, and they are held to nothing else.
/// </summary>
internal static class CachedInvariants
{
    public static void Check(Casualties casualties, int home, IReadOnlyList<OpOutcome> outcomes, IReadOnlyDictionary<int, FinalRead> reads, int overlaps, Findings findings)
    {
        var homeAlive = !casualties.Has(home);
        var couldLose = CouldLoseState(casualties, home, outcomes);
        if (!couldLose)
        {
            foreach (var outcome in outcomes.Where(o => !o.Zombie && Casualties.SaysHomeIsGone(o.Error)))
                findings.Add($"cached: {outcome}, but no site that could hold the state crashed");
        }
        if (overlaps > 0) findings.Add($"cached: {overlaps} time(s) a call ran while another was running: two sites held the state at once");
        var live = outcomes.Where(o => !o.Zombie).ToList();
        foreach (var clash in live.Where(o => o.Succeeded).GroupBy(o => o.Value).Where(g => g.Count() > 1))
            findings.Add($"cached: increments {string.Join(" and ", clash)} returned the same count: the state forked");
        var readable = reads.Where(r => r.Value.Applied is not null).ToList();
        if (readable.Count == 0)
        {
            CheckLost(couldLose, reads, findings);
            return;
        }
        var (site, state) = (readable[0].Key, readable[0].Value.Applied!);
        foreach (var other in readable.Skip(1).Where(r => !r.Value.Applied!.SequenceEqual(state)))
            findings.Add($"cached: s{site} read {readable[0].Value} but s{other.Key} read {other.Value}: two states");
        CheckState(state, live, findings);
        foreach (var (reader, read) in reads.Where(r => r.Value.Applied is null))
        {
            // With its home dead the object is PermFail by the fault table, even if one site still holds the state.
            if (!homeAlive && read.ReportsPermFail) continue;
            // The state can be lost after a site has read it: a request that a crashed site sent before it died,
            // held by a partition and delivered after the heal, draws the state towards the dead site.
            if (couldLose && read.ReportsPermFail && readable.All(r => r.Value.AtMs <= read.AtMs)) continue;
            findings.Add($"cached: s{reader} could not read the state ({read}) while s{site} could");
        }
        // A state lost for good does not come back (with the home dead, PermFail comes from the fault table instead).
        foreach (var (reader, read) in readable.Where(_ => homeAlive))
        {
            if (reads.Any(r => r.Value.ReportsPermFail && r.Value.Applied is null && r.Value.AtMs < read.AtMs))
                findings.Add($"cached: s{reader} read the state ({read}) after another site was told it was lost for good");
        }
    }

    private static void CheckState(long[] state, List<OpOutcome> live, Findings findings)
    {
        foreach (var twice in state.GroupBy(id => id).Where(g => g.Count() > 1))
            findings.Add($"cached: increment #{twice.Key} applied {twice.Count()} times");
        var position = new Dictionary<long, int>();
        for (var i = 0; i < state.Length; i++) position.TryAdd(state[i], i + 1);
        foreach (var outcome in live)
        {
            var found = position.TryGetValue(outcome.Op.Id, out var at);
            if (outcome.Succeeded && !found) findings.Add($"cached: {outcome} was acknowledged but is not in the surviving state: a lost increment");
            else if (outcome.Succeeded && !Equals(outcome.Value, at)) findings.Add($"cached: {outcome} is increment number {at} in the surviving state");
            if (outcome.Error is not null && found) findings.Add($"cached: {outcome} failed, yet it is in the state: it ran");
        }
    }

    /// <summary>
    /// Whether a crash could have taken the state: the home's, or that of a site that had made a cached call by then
    /// (it may have held the state, or been due to receive it). The state only visits sites that ask for it.
    /// </summary>
    private static bool CouldLoseState(Casualties casualties, int home, IReadOnlyList<OpOutcome> outcomes)
        => casualties.Has(home) || casualties.DiedAtMs.Any(c => outcomes.Any(o => o.Op.Site == c.Key && !o.Skipped && o.StartedMs <= c.Value));

    private static void CheckLost(bool couldLose, IReadOnlyDictionary<int, FinalRead> reads, Findings findings)
    {
        if (!couldLose) findings.Add($"cached: no site that could hold the state crashed, yet no site can read it: {Describe(reads)}");
        foreach (var (site, read) in reads.Where(r => !r.Value.ReportsPermFail))
            findings.Add($"cached: the state is unreachable from every site, but s{site} does not report PermFail: {read}");
    }

    private static string Describe(IReadOnlyDictionary<int, FinalRead> reads) => string.Join("; ", reads.Select(r => $"s{r.Key}: {r.Value}"));
}
