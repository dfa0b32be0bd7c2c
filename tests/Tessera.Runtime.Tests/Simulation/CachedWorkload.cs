namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// [Cached] increments from every site, home included, one after another per site, so the state keeps moving
/// among all of them; in some runs a site releases or drops its reference midway and takes the object again (see
/// <see cref="Retakes{T}"/>); then, after the faults, each surviving site reads the state in turn.
/// </summary>
internal sealed class CachedWorkload
{
    private static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(3);
    private readonly SimWorld _world;
    private readonly SiteReferences<SimCounter> _references;

    private CachedWorkload(SimWorld world, SiteReferences<SimCounter> references, Retakes<SimCounter> retakes)
    {
        _world = world;
        _references = references;
        Retakes = retakes;
    }

    public IEntityReferences Entities => _references;

    public Retakes<SimCounter> Retakes { get; }

    public static async Task<CachedWorkload> SetUpAsync(SimWorld world)
    {
        var home = world.Scenario.Homes.Cached;
        var counter = SimCounter.Create(world.Name);
        var ticket = counter.OfferUnlimited(world.Sites[home]);
        var references = new SiteReferences<SimCounter>(await world.ShareAsync(home, counter, ticket, (site, t) => SimCounter.TakeAsync(site, t)));
        return new CachedWorkload(world, references, new Retakes<SimCounter>(world, Protocol.Cached, references, ticket, (site, t) => SimCounter.TakeAsync(site, t), (c, plan) => c.IncrementAsync(plan.ProbeId)));
    }

    public Task RunAsync(OpRecorder recorder) => Task.WhenAll(Retakes.RunAsync(), Task.WhenAll(_world.Scenario.Ops.Where(o => o.Protocol == Protocol.Cached).GroupBy(o => (o.Site, Flow: o.Arg)).Select(async ops =>
    {
        foreach (var op in ops) await Retakes.CallAtItsTimeAsync(op, o => CallAsync(o, recorder));
    })));

    /// <summary>
    /// One call, in a method of its own: the reference it goes through is a local of this method only, so the flow that
    /// waits for its next call does not keep it from being collected when its site drops it.
    /// </summary>
    private async Task CallAsync(PlannedOp op, OpRecorder recorder)
    {
        if (await Retakes.ReferenceForAsync(op) is not { } counter) recorder.NotIssued(op);
        else if (op.Blocking) await recorder.RunBlockingAsync(op, () => counter.Increment(op.Id));
        else await recorder.RunAsync(op, () => counter.IncrementAsync(op.Id));
    }

    /// <summary>
    /// Each live site reads the state, one after another so that no read races another. A read that meets a
    /// passing fault (TempFail, or a state still on its way) tries again until <see cref="ReadDeadline"/>. A site
    /// that released its reference and could not take the object again has nothing to read with (the retake
    /// invariants judge why).
    /// </summary>
    public async Task<Dictionary<int, FinalRead>> ReadAllAsync()
    {
        var reads = new Dictionary<int, FinalRead>();
        foreach (var site in _world.Live)
        {
            if (_references[site] is { } counter) reads[site] = await ReadAsync(site, counter);
            else _world.Log.Add($"s{site} cached final read: none, the site has no reference");
        }
        return reads;
    }

    private async Task<FinalRead> ReadAsync(int site, SimCounter counter)
    {
        var until = _world.Log.NowMs + (int)ReadDeadline.TotalMilliseconds;
        while (true)
        {
            Exception error;
            try
            {
                var applied = await Task.Run(() => counter.AppliedAsync()).WaitAsync(ReadDeadline);
                _world.Log.Add($"s{site} cached final read -> {applied.Length} increments");
                return new FinalRead(applied, null, FaultState.Ok, _world.Log.NowMs);
            }
            catch (Exception ex)
            {
                error = ex;
            }
            var state = Faults.StateOf(counter);
            var passing = error is StateWaitTimeoutException or CallTimeoutException || error is EntityFaultException { State: FaultState.TempFail };
            if (!passing || _world.Log.NowMs >= until)
            {
                _world.Log.Add($"s{site} cached final read -> {OpOutcome.Describe(error)} (state {state})");
                return new FinalRead(null, error, state, _world.Log.NowMs);
            }
            await Task.Delay(50);
        }
    }
}

/// <summary>
/// One live site's last look at a [Cached] object: its list of applied increments, or why it could not have it;
/// and when (ms on the run's clock), since the state may be lost between two sites' reads.
/// </summary>
internal sealed record FinalRead(long[]? Applied, Exception? Error, FaultState State, int AtMs)
{
    /// <summary>Whether this site reports the object lost for good, as the fault model requires.</summary>
    public bool ReportsPermFail => State == FaultState.PermFail || Error is EntityFaultException { State: FaultState.PermFail };

    public override string ToString() => Applied is { } list ? $"[{string.Join(",", list)}]" : $"{OpOutcome.Describe(Error!)} (state {State})";
}
