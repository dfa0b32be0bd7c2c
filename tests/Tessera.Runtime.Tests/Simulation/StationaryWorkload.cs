namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// [Stationary] calls from every site but the home, each at its planned time, concurrently; in some runs a site
/// releases or drops its reference midway and takes the object again (see <see cref="Retakes{T}"/>).
/// </summary>
internal sealed class StationaryWorkload
{
    private readonly SimWorld _world;
    private readonly SiteReferences<SimLedger> _references;

    private StationaryWorkload(SimWorld world, Journal<long> journal, SiteReferences<SimLedger> references, Retakes<SimLedger> retakes)
    {
        _world = world;
        Journal = journal;
        _references = references;
        Retakes = retakes;
    }

    public Journal<long> Journal { get; }

    public IEntityReferences Entities => _references;

    public Retakes<SimLedger> Retakes { get; }

    public static async Task<StationaryWorkload> SetUpAsync(SimWorld world)
    {
        var home = world.Scenario.Homes.Stationary;
        var journal = new Journal<long>();
        var ledger = new SimLedger(journal);
        var ticket = ledger.OfferUnlimited(world.Sites[home]);
        var references = new SiteReferences<SimLedger>(await world.ShareAsync(home, ledger, ticket, (site, t) => SimLedger.TakeAsync(site, t)));
        var retakes = new Retakes<SimLedger>(world, Protocol.Stationary, references, ticket, (site, t) => SimLedger.TakeAsync(site, t), (l, plan) => l.RecordAsync(plan.ProbeId, 0));
        return new StationaryWorkload(world, journal, references, retakes);
    }

    public Task RunAsync(OpRecorder recorder) => Task.WhenAll(Retakes.RunAsync(), Task.WhenAll(_world.Scenario.Ops.Where(o => o.Protocol == Protocol.Stationary).Select(op => Retakes.CallAtItsTimeAsync(op, o => CallAsync(o, recorder)))));

    /// <summary>One call, in a method of its own, so its reference is not kept once it ended (see <see cref="CachedWorkload"/>).</summary>
    private async Task CallAsync(PlannedOp op, OpRecorder recorder)
    {
        if (await Retakes.ReferenceForAsync(op) is not { } ledger) recorder.NotIssued(op);
        else if (op.Blocking) await recorder.RunBlockingAsync(op, () => ledger.Record(op.Id));
        else await recorder.RunAsync(op, () => ledger.RecordAsync(op.Id, op.Arg));
    }
}

/// <summary>
/// What stationary calls must show: no call runs twice; a call that returned ran, once, and returned its own
/// answer; a call refused by the fault model (<see cref="EntityFaultException"/>) was never sent, so never ran.
/// A call that timed out or lost its connection may or may not have run.
/// </summary>
internal static class StationaryInvariants
{
    public static void Check(IReadOnlyList<OpOutcome> outcomes, long[] journal, Findings findings)
    {
        var runs = journal.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (id, count) in runs.Where(r => r.Value > 1))
            findings.Add($"stationary: call #{id} ran {count} times at home");
        foreach (var outcome in outcomes.Where(o => !o.Zombie))
        {
            var ran = runs.ContainsKey(outcome.Op.Id);
            if (outcome.Succeeded && !Equals(outcome.Value, SimLedger.Expected(outcome.Op.Id)))
                findings.Add($"stationary: {outcome} returned another call's answer (expected {SimLedger.Expected(outcome.Op.Id)})");
            if (outcome.Succeeded && !ran) findings.Add($"stationary: {outcome} returned, but home never ran it");
            if (outcome.Refused && ran) findings.Add($"stationary: {outcome} was refused as not sent, yet home ran it");
        }
    }
}
