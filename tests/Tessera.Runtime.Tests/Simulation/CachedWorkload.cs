namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// [Cached] increments from every site, home included, one after another per site, so the state keeps moving
/// among all of them; then, after the faults, each surviving site reads the state in turn.
/// </summary>
internal sealed class CachedWorkload
{
    private static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(3);
    private readonly SimWorld _world;
    private readonly SimCounter[] _references;

    private CachedWorkload(SimWorld world, SimCounter[] references)
    {
        _world = world;
        _references = references;
    }

    public IReadOnlyList<object> Entities => _references;

    public static async Task<CachedWorkload> SetUpAsync(SimWorld world)
    {
        var home = world.Scenario.Homes.Cached;
        var counter = SimCounter.Create(world.Name);
        return new CachedWorkload(world, await world.ShareAsync(home, counter, counter.OfferUnlimited(world.Sites[home]), (site, ticket) => SimCounter.TakeAsync(site, ticket)));
    }

    public Task RunAsync(OpRecorder recorder) => Task.WhenAll(_world.Scenario.Ops.Where(o => o.Protocol == Protocol.Cached).GroupBy(o => (o.Site, Flow: o.Arg)).Select(async ops =>
    {
        foreach (var op in ops)
        {
            await _world.Log.UntilAsync(op.AtMs);
            var counter = _references[op.Site];
            if (op.Blocking) await recorder.RunBlockingAsync(op, () => counter.Increment(op.Id));
            else await recorder.RunAsync(op, () => counter.IncrementAsync(op.Id));
        }
    }));

    /// <summary>
    /// Each live site reads the state, one after another so that no read races another. A read that meets a
    /// passing fault (TempFail, or a state still on its way) tries again until <see cref="ReadDeadline"/>.
    /// </summary>
    public async Task<Dictionary<int, FinalRead>> ReadAllAsync()
    {
        var reads = new Dictionary<int, FinalRead>();
        foreach (var site in _world.Live) reads[site] = await ReadAsync(site);
        return reads;
    }

    private async Task<FinalRead> ReadAsync(int site)
    {
        var until = _world.Log.NowMs + (int)ReadDeadline.TotalMilliseconds;
        while (true)
        {
            Exception error;
            try
            {
                var applied = await Task.Run(() => _references[site].AppliedAsync()).WaitAsync(ReadDeadline);
                _world.Log.Add($"s{site} cached final read -> {applied.Length} increments");
                return new FinalRead(applied, null, FaultState.Ok, _world.Log.NowMs);
            }
            catch (Exception ex)
            {
                error = ex;
            }
            var state = Faults.StateOf(_references[site]);
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
