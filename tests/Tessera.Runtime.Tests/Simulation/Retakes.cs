using Tessera.Infrastructure;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Plays one entity's planned releases. At its time, a site lets the calls it planned before then end, and releases its
/// reference as an application does (<see cref="RemoteReference.Release"/>; a [Cached] reference that holds or awaits
/// the state is refused, and is tried again until the state has moved on); makes one call on the released reference,
/// which must be refused; and takes the object again from the ticket, trying again while the take fails and the home
/// lives. The site's later calls wait for, and go through, the new reference.
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
    private readonly Func<T, long, Task> _call;
    private readonly Dictionary<long, TaskCompletionSource> _ended;
    private readonly Dictionary<int, (PlannedRelease Plan, TaskCompletionSource Done)> _plans;
    private readonly List<RetakeRecord> _records = new();

    /// <param name="call">One call on a reference, numbered as the workload numbers its calls.</param>
    public Retakes(SimWorld world, Protocol protocol, SiteReferences<T> references, string ticket, Func<Site, string, Task<T>> take, Func<T, long, Task> call)
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
            var record = new RetakeRecord(plan, _world.Log.NowMs, _references[plan.Site]!);
            lock (_records) _records.Add(record);
            await PlayAsync(record);
        }
        finally
        {
            done.TrySetResult();
        }
    }

    private async Task PlayAsync(RetakeRecord record)
    {
        var site = record.Plan.Site;
        if (_world.IsDead(site))
        {
            Log(record, "not released: the site is dead");
            return;
        }
        var released = (T)record.Released;
        if (!await ReleaseAsync(record, released)) return;
        _references.Drop(site);
        await UseReleasedAsync(record, released);
        await TakeAgainAsync(record, released);
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
        var call = Task.Run(() => _call(released, record.Plan.ProbeId));
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

    private async Task TakeAgainAsync(RetakeRecord record, T released)
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
                Log(record, $"taken again in {attempt.EndedMs - attempt.StartedMs}ms" + (ReferenceEquals(take.Result, released) ? ": the RELEASED proxy itself" : ""));
                return;
            }
            attempt.Error = take.IsCompleted ? take.Exception?.InnerException ?? new TaskCanceledException(take) : null;
            Log(record, $"take again -> {(attempt.Error is { } error ? OpOutcome.Describe(error) : "no end")}");
            if (!take.IsCompleted || _world.IsDead(site) || _world.IsDead(home) || _world.Log.NowMs >= until) return;
            await Task.Delay(50);
        }
    }

    private void Log(RetakeRecord record, string what) => _world.Log.Add($"s{record.Plan.Site} {_protocol.ToString().ToLowerInvariant()} reference: {what}");

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
