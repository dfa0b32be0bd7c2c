using Tessera.Infrastructure;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Plays one entity's planned releases and drops. At its time, a site lets the calls it planned before then end, and
/// releases its reference as an application does (<see cref="RemoteReference.Release"/>; a [Cached] reference that holds
/// or awaits the state is refused, and is tried again until the state has moved on), then makes one call on the released
/// reference, which must be refused; or drops it, as an application that forgets a reference does, and has the CLR
/// collect it. Then it takes the object again from the ticket, trying again while the take fails and the home lives.
/// The site's later calls wait for, and go through, the new reference.
/// </summary>
internal sealed class Retakes<T> where T : class
{
    /// <summary>How long a site waits for a [Cached] state here to move on before it keeps its reference after all.</summary>
    private static readonly TimeSpan ReleasePatience = TimeSpan.FromSeconds(1);

    /// <summary>How long a site keeps taking the object again while take after take fails: past the longest partition.</summary>
    private static readonly TimeSpan TakePatience = TimeSpan.FromSeconds(4);

    private readonly SimWorld _world;
    private readonly Protocol _protocol;
    private readonly SiteReferences<T> _references;
    private readonly string _ticket;
    private readonly Func<Site, string, Task<T>> _take;
    private readonly Func<T, PlannedRelease, Task> _call;
    private readonly Dictionary<long, TaskCompletionSource> _ended;
    private readonly Dictionary<int, (PlannedRelease Plan, TaskCompletionSource Done)> _plans;
    private readonly List<RetakeRecord> _records = new();

    /// <param name="call">The call on a released reference: one the workload would make, numbered <see cref="PlannedRelease.ProbeId"/>.</param>
    public Retakes(SimWorld world, Protocol protocol, SiteReferences<T> references, string ticket, Func<Site, string, Task<T>> take, Func<T, PlannedRelease, Task> call)
    {
        (_world, _protocol, _references, _ticket, _take, _call) = (world, protocol, references, ticket, take, call);
        _ended = world.Scenario.Ops.Where(o => o.Protocol == protocol).ToDictionary(o => o.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _plans = world.Scenario.Releases.Where(r => r.Protocol == protocol)
            .ToDictionary(r => r.Site, r => (r, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
    }

    public IReadOnlyList<RetakeRecord> Records
    {
        get
        {
            lock (_records) return _records.ToArray();
        }
    }

    public Task RunAsync() => Task.WhenAll(_plans.Values.Select(p => PlayAsync(p.Plan, p.Done)));

    /// <summary>The reference <paramref name="op"/> goes through: after its site's release, the one taken again (null if no take succeeded).</summary>
    public async Task<T?> ReferenceForAsync(PlannedOp op)
    {
        if (_plans.TryGetValue(op.Site, out var plan) && op.AtMs >= plan.Plan.AtMs) await plan.Done.Task;
        return _references[op.Site];
    }

    /// <summary>Called once every planned call has ended (or was never issued), so a release can wait for those before it.</summary>
    public void Ended(PlannedOp op) => _ended[op.Id].TrySetResult();

    /// <summary>Makes <paramref name="op"/> at its planned time through <paramref name="call"/>, and notes it ended however it ends.</summary>
    public async Task CallAtItsTimeAsync(PlannedOp op, Func<PlannedOp, Task> call)
    {
        await _world.Log.UntilAsync(op.AtMs);
        try
        {
            await call(op);
        }
        finally
        {
            Ended(op);
        }
    }

    /// <summary>Notes, for every take, how long the process and the pool stood still while it ran (see <see cref="OpRecorder.AccountStalls"/>).</summary>
    public void AccountStalls(StallWatch stalls)
    {
        foreach (var take in Records.SelectMany(r => r.Takes))
        {
            var (from, to) = (_world.Log.TimestampAt(take.StartedMs), _world.Log.TimestampAt(take.EndedMs ?? _world.Log.NowMs));
            take.StalledMs = (int)Math.Max(stalls.ProcessStalled(from, to).TotalMilliseconds, stalls.PoolStalled(from, to).TotalMilliseconds);
        }
    }

    private async Task PlayAsync(PlannedRelease plan, TaskCompletionSource done)
    {
        try
        {
            await _world.Log.UntilAsync(plan.AtMs);
            var before = _world.Scenario.Ops.Where(o => o.Protocol == _protocol && o.Site == plan.Site && o.AtMs < plan.AtMs);
            await Task.WhenAll(before.Select(o => _ended[o.Id].Task));
            if (_world.IsDead(plan.Site))
            {
                Log(plan, $"not {(plan.Drop ? "dropped" : "released")}: the site is dead");
                lock (_records) _records.Add(new RetakeRecord(plan, _world.Log.NowMs, null));
            }
            else if (plan.Drop)
            {
                await DropAsync(plan);
            }
            else
            {
                await ReleaseAsync(plan);
            }
        }
        finally
        {
            done.TrySetResult();
        }
    }

    private async Task ReleaseAsync(PlannedRelease plan)
    {
        var released = _references[plan.Site]!;
        var record = new RetakeRecord(plan, _world.Log.NowMs, released);
        lock (_records) _records.Add(record);
        if (!await ReleaseAsync(record, released)) return;
        _references.Drop(plan.Site);
        await UseReleasedAsync(record, released);
        await TakeAgainAsync(record);
    }

    /// <summary>
    /// Drops the site's reference and has it collected. Nothing here may hold it meanwhile, so this method and what it
    /// awaits know it only through a weak reference to its proxy's handle.
    /// </summary>
    private async Task DropAsync(PlannedRelease plan)
    {
        var record = new RetakeRecord(plan, _world.Log.NowMs, null);
        lock (_records) _records.Add(record);
        var handle = Forget(plan.Site);
        record.DroppedMs = _world.Log.NowMs;
        record.Collections = await Proxies.CollectAsync(handle);
        Log(plan, record.Collections is { } collections
            ? $"dropped, and collected in {_world.Log.NowMs - record.DroppedMs}ms ({collections} collection(s))"
            : $"dropped, NOT collected within {Proxies.Patience.TotalMilliseconds:0}ms: the runtime still holds it, taken again all the same");
        await TakeAgainAsync(record);
    }

    /// <summary>Not async, so the site's reference lives only in this frame: the returned weak reference is all that is left of it.</summary>
    private WeakReference Forget(int site)
    {
        var handle = new WeakReference(Proxies.HandleOf(_references[site]!) ?? throw new InvalidOperationException($"s{site}'s {_protocol} reference is not a proxy."));
        _references.Forget(site);
        return handle;
    }

    private async Task<bool> ReleaseAsync(RetakeRecord record, T reference)
    {
        var until = _world.Log.NowMs + (int)ReleasePatience.TotalMilliseconds;
        while (true)
        {
            try
            {
                record.ReleaseReturned = RemoteReference.Release(reference);
                record.ReleasedMs = _world.Log.NowMs;
                var waited = record.Refusals > 0 ? $", after {record.Refusals} refusal(s) while the state was here" : "";
                Log(record, record.ReleaseReturned ? $"released{waited}" : "NOT released: Release says the proxy is not a live one");
                return record.ReleaseReturned;
            }
            catch (InvalidOperationException) when (reference is ICachedObject && _world.Log.NowMs < until && !_world.IsDead(record.Plan.Site))
            {
                // The state is here, or on its way: an application waits for it to move on.
                record.Refusals++;
                await Task.Delay(5);
            }
            catch (InvalidOperationException) when (reference is ICachedObject)
            {
                record.Kept = true;
                Log(record, $"kept: the state stayed here (or on its way) for {ReleasePatience.TotalMilliseconds:0}ms, {record.Refusals} refusal(s)");
                return false;
            }
            catch (Exception ex)
            {
                record.ReleaseError = ex;
                Log(record, $"Release threw {ex.GetType().Name}: {ex.Message}");
                return false;
            }
        }
    }

    /// <summary>One call through the released reference, as a stale pointer in an application would make: it must be refused.</summary>
    private async Task UseReleasedAsync(RetakeRecord record, T released)
    {
        var call = Task.Run(() => _call(released, record.Plan));
        try
        {
            await call.WaitAsync(SimWorld.CallTimeout + OpRecorder.Margin);
        }
        catch
        {
            // Read from the task below; a timeout leaves it running.
        }
        record.UseOfReleased = call.IsCompleted ? call.Exception?.InnerException : null;
        record.UseOfReleasedEnded = call.IsCompleted;
        Log(record, "a call on the released reference -> " + (!call.IsCompleted ? "no end" : record.UseOfReleased is { } error ? OpOutcome.Describe(error) : "ran"));
    }

    private async Task TakeAgainAsync(RetakeRecord record)
    {
        var (site, home) = (record.Plan.Site, _world.Scenario.Homes.Of(_protocol));
        var until = _world.Log.NowMs + (int)TakePatience.TotalMilliseconds;
        while (true)
        {
            var attempt = new TakeAttempt(_world.Log.NowMs);
            lock (_records) record.Takes.Add(attempt);
            var take = Task.Run(() => _take(_world.Sites[site], _ticket));
            if (!await EndsWithinAsync(take, LinkedSites.TakeTimeout + OpRecorder.Margin)) await EndsWithinAsync(take, OpRecorder.HangGrace);
            if (take.IsCompleted) attempt.EndedMs = _world.Log.NowMs;
            if (take.IsCompletedSuccessfully)
            {
                record.Fresh = take.Result;
                _references.Adopt(site, take.Result);
                var same = record.Released is { } released && ReferenceEquals(Proxies.Of(take.Result), Proxies.Of(released));
                Log(record, $"taken again in {attempt.EndedMs - attempt.StartedMs}ms" + (same ? ": the RELEASED proxy itself" : ""));
                return;
            }
            attempt.Error = take.IsCompleted ? take.Exception?.InnerException ?? new TaskCanceledException(take) : null;
            Log(record, $"take again -> {(attempt.Error is { } error ? OpOutcome.Describe(error) : "no end")}");
            if (!take.IsCompleted || _world.IsDead(site) || _world.IsDead(home) || _world.Log.NowMs >= until) return;
            await Task.Delay(50);
        }
    }

    private void Log(RetakeRecord record, string what) => Log(record.Plan, what);

    private void Log(PlannedRelease plan, string what) => _world.Log.Add($"s{plan.Site} {_protocol.ToString().ToLowerInvariant()} reference: {what}");

    private static async Task<bool> EndsWithinAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch
        {
            // Its own fault is read from the task; a timeout leaves it running.
        }
        return task.IsCompleted;
    }
}
