namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// [Async] calls: each site but the home sends a numbered sequence, one call after another from one flow,
/// without waiting for replies; the replies are awaited on the side. In some runs a site releases or drops its
/// reference midway and takes the object again (see <see cref="Retakes{T}"/>): the calls it sent before then have
/// ended first, and the rest go through the new reference.
/// </summary>
internal sealed class AsyncWorkload
{
    /// <summary>The sequence number of the call made on a released reference: none of the workload's, so one that ran shows in the journal.</summary>
    public const int ProbeSequence = -1;

    private readonly SimWorld _world;
    private readonly SiteReferences<SimActor.Ref> _references;

    private AsyncWorkload(SimWorld world, Journal<(int Caller, int Sequence)> journal, Overlap overlap, SiteReferences<SimActor.Ref> references, Retakes<SimActor.Ref> retakes)
    {
        _world = world;
        Journal = journal;
        Overlap = overlap;
        _references = references;
        Retakes = retakes;
    }

    public Journal<(int Caller, int Sequence)> Journal { get; }

    public Overlap Overlap { get; }

    public IEntityReferences Entities => _references;

    public Retakes<SimActor.Ref> Retakes { get; }

    public static async Task<AsyncWorkload> SetUpAsync(SimWorld world)
    {
        var home = world.Scenario.Homes.Async;
        var (journal, overlap) = (new Journal<(int, int)>(), new Overlap());
        var actor = SimActor.Create(journal, overlap);
        var ticket = actor.OfferUnlimited(world.Sites[home]);
        var references = new SiteReferences<SimActor.Ref>(await world.ShareAsync(home, actor, ticket, (site, t) => SimActor.TakeAsync(site, t)));
        var retakes = new Retakes<SimActor.Ref>(world, Protocol.Async, references, ticket, (site, t) => SimActor.TakeAsync(site, t), (a, plan) => a.Step(plan.Site, ProbeSequence).AsTask());
        return new AsyncWorkload(world, journal, overlap, references, retakes);
    }

    public Task RunAsync(OpRecorder recorder) => Task.WhenAll(Retakes.RunAsync(), Task.WhenAll(_world.Scenario.Ops.Where(o => o.Protocol == Protocol.Async).GroupBy(o => o.Site).Select(async calls =>
    {
        var replies = new List<Task>();
        foreach (var op in calls)
        {
            await _world.Log.UntilAsync(op.AtMs);
            replies.Add(await SendAsync(op, recorder));
        }
        await Task.WhenAll(replies);
    })));

    /// <summary>The ids of the calls made on released references that ran at home, as the journal tells.</summary>
    public IEnumerable<long> ProbesRan()
    {
        var ran = Journal.Snapshot().Where(e => e.Sequence == ProbeSequence).Select(e => e.Caller).ToHashSet();
        return _world.Scenario.Releases.Where(r => r.Protocol == Protocol.Async && ran.Contains(r.Site)).Select(r => r.ProbeId);
    }

    /// <summary>
    /// Sends one call, once its site has a reference to send it through, and returns its reply, tracked. In a method of
    /// its own, so the reference is a local of this method only and the flow does not keep it from being collected.
    /// </summary>
    private async Task<Task> SendAsync(PlannedOp op, OpRecorder recorder)
    {
        var actor = await Retakes.ReferenceForAsync(op);
        if (actor is null) recorder.NotIssued(op);
        else if (recorder.Begin(op) is { } outcome) return EndedAfterAsync(op, recorder.TrackAsync(outcome, Send(actor, op)));
        Retakes.Ended(op);
        return Task.CompletedTask;
    }

    private async Task EndedAfterAsync(PlannedOp op, Task reply)
    {
        try
        {
            await reply;
        }
        finally
        {
            Retakes.Ended(op);
        }
    }

    private static Task<int> Send(SimActor.Ref actor, PlannedOp op)
    {
        try
        {
            return actor.Step(op.Site, op.Arg).AsTask();
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
