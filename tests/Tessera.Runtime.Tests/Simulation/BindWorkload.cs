namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Dataflow variables shared by every site: before the faults each site fetches every round's variable from
/// the board (so each holds a registered copy); during them, two or three sites bind each round's variable
/// at almost the same moment, each to a value of its own.
/// </summary>
internal sealed class BindWorkload
{
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(2);
    private readonly SimWorld _world;
    private readonly SimBoard[] _boards;
    private readonly Dataflow<int>[][] _copies;

    private BindWorkload(SimWorld world, SimBoard[] boards, Dataflow<int>[][] copies)
    {
        _world = world;
        _boards = boards;
        _copies = copies;
    }

    public IEntityReferences Entities => new SiteReferences<SimBoard>(_boards);

    public static async Task<BindWorkload> SetUpAsync(SimWorld world)
    {
        var home = world.Scenario.Homes.Variables;
        var board = new SimBoard(world.Scenario.Rounds);
        var boards = await world.ShareAsync(home, board, board.OfferUnlimited(world.Sites[home]), (site, ticket) => SimBoard.TakeAsync(site, ticket));
        var copies = new Dataflow<int>[boards.Length][];
        for (var site = 0; site < boards.Length; site++)
        {
            copies[site] = new Dataflow<int>[world.Scenario.Rounds];
            var mine = boards[site];
            for (var round = 0; round < copies[site].Length; round++)
            {
                var which = round;
                copies[site][round] = await SimWorld.SetUpAsync(() => mine.VariableAsync(which));
            }
        }
        return new BindWorkload(world, boards, copies);
    }

    public Task RunAsync(OpRecorder recorder) => Task.WhenAll(_world.Scenario.Ops.Where(o => o.Protocol == Protocol.Bind).Select(async op =>
    {
        await _world.Log.UntilAsync(op.AtMs);
        await recorder.RunAsync(op, async () =>
        {
            await _copies[op.Site][op.Arg].BindAsync(op.BindValue);
            return op.BindValue;
        });
    }));

    /// <summary>Each live site's copy of each round's variable, once it is determined or <see cref="SettleDeadline"/> has passed.</summary>
    public async Task<Dictionary<(int Site, int Round), Dataflow<int>>> SettleAsync()
    {
        var copies = _world.Live.SelectMany(site => Enumerable.Range(0, _world.Scenario.Rounds).Select(round => (Key: (site, round), Copy: _copies[site][round]))).ToList();
        try
        {
            await Task.WhenAll(copies.Select(c => c.Copy.AsTask())).WaitAsync(SettleDeadline);
        }
        catch
        {
            // Undetermined and faulted copies are judged by the invariants, one by one.
        }
        return copies.ToDictionary(c => c.Key, c => c.Copy);
    }
}

/// <summary>
/// What dataflow variables must show: never bound twice (every site that sees a value sees the same one, which
/// some binder offered); a bind that returned won, and a bind that lost got <see cref="DataflowBindingConflictException"/>
/// and sees the winner; a binding reaches every live copy while the manager lives, and a dead manager ends every
/// live copy still waiting (with a fault).
/// </summary>
internal static class BindInvariants
{
    public static void Check(bool managerAlive, IReadOnlyList<OpOutcome> outcomes, IReadOnlyDictionary<(int Site, int Round), Dataflow<int>> copies, Findings findings)
    {
        foreach (var round in copies.GroupBy(c => c.Key.Round))
        {
            var binds = outcomes.Where(o => o.Op.Arg == round.Key).ToList();
            var bound = round.Where(c => c.Value.IsBound).Select(c => (c.Key.Site, Value: c.Value.AsTask().Result)).ToList();
            var values = bound.Select(b => b.Value).Distinct().ToList();
            if (values.Count > 1) findings.Add($"bind r{round.Key}: bound twice: {string.Join(", ", bound.Select(b => $"s{b.Site} sees {b.Value}"))}");
            foreach (var stray in values.Where(v => binds.All(b => b.Op.BindValue != v)))
                findings.Add($"bind r{round.Key}: bound to {stray}, which no binder offered");
            foreach (var outcome in binds.Where(o => !o.Zombie))
            {
                if (outcome.Succeeded && values.Any(v => v != outcome.Op.BindValue))
                    findings.Add($"bind r{round.Key}: {outcome} returned as the winner, but the variable holds {string.Join(",", values)}");
                if (outcome.Error is DataflowBindingConflictException && copies.TryGetValue((outcome.Op.Site, round.Key), out var own) && (!own.IsDetermined || own.IsBound && own.AsTask().Result == outcome.Op.BindValue))
                    findings.Add($"bind r{round.Key}: {outcome} lost, but its own copy is {own}");
            }
            foreach (var (key, copy) in round.Where(c => !c.Value.IsBound))
            {
                if (managerAlive && values.Count > 0) findings.Add($"bind r{round.Key}: s{key.Site}'s copy is {copy} though the live manager's variable holds {values[0]}");
                else if (!managerAlive && !copy.IsDetermined) findings.Add($"bind r{round.Key}: s{key.Site}'s copy still waits, though its manager died");
            }
        }
    }
}
