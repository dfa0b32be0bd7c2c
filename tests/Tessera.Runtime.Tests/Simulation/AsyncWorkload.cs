namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// [Async] calls: each site but the home sends a numbered sequence, one call after another from one flow,
/// without waiting for replies; the replies are awaited on the side.
/// </summary>
internal sealed class AsyncWorkload
{
    private readonly SimWorld _world;
    private readonly SimActor.Ref[] _references;

    private AsyncWorkload(SimWorld world, Journal<(int Caller, int Sequence)> journal, Overlap overlap, SimActor.Ref[] references)
    {
        _world = world;
        Journal = journal;
        Overlap = overlap;
        _references = references;
    }

    public Journal<(int Caller, int Sequence)> Journal { get; }

    public Overlap Overlap { get; }

    public IEntityReferences Entities => new SiteReferences<SimActor.Ref>(_references);

    public static async Task<AsyncWorkload> SetUpAsync(SimWorld world)
    {
        var home = world.Scenario.Homes.Async;
        var (journal, overlap) = (new Journal<(int, int)>(), new Overlap());
        var actor = SimActor.Create(journal, overlap);
        var references = await world.ShareAsync(home, actor, actor.OfferUnlimited(world.Sites[home]), (site, ticket) => SimActor.TakeAsync(site, ticket));
        return new AsyncWorkload(world, journal, overlap, references);
    }

    public Task RunAsync(OpRecorder recorder) => Task.WhenAll(_world.Scenario.Ops.Where(o => o.Protocol == Protocol.Async).GroupBy(o => o.Site).Select(async calls =>
    {
        var replies = new List<Task>();
        foreach (var op in calls)
        {
            await _world.Log.UntilAsync(op.AtMs);
            if (recorder.Begin(op) is not { } outcome) continue;
            replies.Add(recorder.TrackAsync(outcome, Send(op)));
        }
        await Task.WhenAll(replies);
    }));

    private Task<int> Send(PlannedOp op)
    {
        try
        {
            return _references[op.Site].Step(op.Site, op.Arg).AsTask();
        }
        catch (Exception ex)
        {
            // A send reports its faults through the reply variable; one that throws is recorded, and judged, all the same.
            return Task.FromException<int>(ex);
        }
    }
}

/// <summary>
/// What [Async] calls must show: one at a time at home; each caller's calls run in the order it sent them
/// (a call lost in between is allowed, an overtaking one is not); none runs twice; a call whose reply carries a
/// value ran and answered itself; a call refused by the fault model never ran.
/// </summary>
internal static class AsyncInvariants
{
    public static void Check(IReadOnlyList<OpOutcome> outcomes, (int Caller, int Sequence)[] journal, int overlaps, Findings findings)
    {
        if (overlaps > 0) findings.Add($"async: {overlaps} time(s) two calls ran at once on the active object");
        foreach (var twice in journal.GroupBy(e => e).Where(g => g.Count() > 1))
            findings.Add($"async: call s{twice.Key.Caller}#{twice.Key.Sequence} ran {twice.Count()} times");
        foreach (var caller in journal.GroupBy(e => e.Caller))
        {
            var order = caller.Select(e => e.Sequence).ToList();
            if (order.Zip(order.Skip(1)).Any(p => p.Second <= p.First))
                findings.Add($"async: s{caller.Key}'s calls ran out of order at home: {string.Join(",", order)}");
        }
        var ran = journal.ToHashSet();
        foreach (var outcome in outcomes.Where(o => !o.Zombie))
        {
            var key = (outcome.Op.Site, outcome.Op.Arg);
            if (outcome.Succeeded && !Equals(outcome.Value, SimActor.Expected(key.Site, key.Arg)))
                findings.Add($"async: {outcome} got another call's reply (expected {SimActor.Expected(key.Site, key.Arg)})");
            if (outcome.Succeeded && !ran.Contains(key)) findings.Add($"async: {outcome} was answered, but home never ran it");
            if (outcome.Refused && ran.Contains(key)) findings.Add($"async: {outcome} was refused as not sent, yet home ran it");
        }
    }
}
