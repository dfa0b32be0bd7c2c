namespace Tessera.Runtime.Tests.Simulation;

/// <summary>How one planned operation ended, as the calling site saw it.</summary>
internal sealed class OpOutcome(PlannedOp op, int startedMs)
{
    public PlannedOp Op { get; } = op;

    public int StartedMs { get; } = startedMs;

    /// <summary>Null while the operation runs, and for one that never ended (a hang).</summary>
    public int? EndedMs { get; set; }

    /// <summary>Why it was never issued: its site had crashed before its time came, or had no reference to call.</summary>
    public string? SkippedBecause { get; init; }

    public bool Skipped => SkippedBecause is not null;

    /// <summary>Its site crashed before it ended: what it reports is a dead process's, seen by nobody.</summary>
    public bool Zombie { get; set; }

    public object? Value { get; set; }

    public Exception? Error { get; set; }

    /// <summary>How long, while it ran, the whole process could not run (see <see cref="StallWatch"/>).</summary>
    public int ProcessStalledMs { get; set; }

    /// <summary>How long, while it ran, the thread pool ran no timer (see <see cref="StallWatch"/>).</summary>
    public int PoolStalledMs { get; set; }

    public bool Succeeded => EndedMs is not null && Error is null && !Skipped;

    /// <summary>Whether the caller is told the operation did not run: a refusal by the fault model.</summary>
    public bool Refused => Error is EntityFaultException;

    public override string ToString()
    {
        var what = $"s{Op.Site} {Op.Protocol.ToString().ToLowerInvariant()} {Op}";
        if (Skipped) return $"{what} skipped ({SkippedBecause})";
        var result = EndedMs is null ? "never ended" : Error is null ? $"-> {Value}" : $"-> {Describe(Error)}";
        var took = EndedMs is { } ended ? $" ({ended - StartedMs}ms)" : "";
        var stalls = ProcessStalledMs + PoolStalledMs > 0 ? $" [stalled meanwhile: process {ProcessStalledMs}ms, pool {PoolStalledMs}ms]" : "";
        return $"{what} {result}{took}{(Zombie ? " [dead site]" : "")}{stalls}";
    }

    public static string Describe(Exception error) => error switch
    {
        EntityFaultException fault => $"EntityFault({fault.State})",
        _ => error.GetType().Name,
    };
}

/// <summary>
/// Runs planned operations and records how each ended, enforcing the one liveness rule: every call ends, with a
/// value or a fault, within its deadline plus <see cref="Margin"/> (plus any time the process or its thread pool
/// could not run). One past that is waited for a while longer, so the report can say whether it was late or hung.
/// </summary>
internal sealed class OpRecorder(SimWorld world, StallWatch stalls)
{
    /// <summary>Slack for timers and a loaded machine: the runtime's own rechecks run every 100-250 ms.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan HangGrace = TimeSpan.FromSeconds(5);
    private readonly List<OpOutcome> _all = new();

    public static int BoundMs => (int)(SimWorld.CallTimeout + Margin).TotalMilliseconds;

    public OpOutcome[] All
    {
        get
        {
            lock (_all) return _all.ToArray();
        }
    }

    /// <summary>Null when the operation's site is dead: it is recorded as skipped.</summary>
    public OpOutcome? Begin(PlannedOp op)
    {
        var outcome = world.IsDead(op.Site) ? new OpOutcome(op, world.Log.NowMs) { SkippedBecause = "site dead" } : new OpOutcome(op, world.Log.NowMs);
        lock (_all) _all.Add(outcome);
        return outcome.Skipped ? null : outcome;
    }

    /// <summary>Records an operation its site could not issue: it released its reference, and could not take the object again.</summary>
    public void NotIssued(PlannedOp op)
    {
        var outcome = new OpOutcome(op, world.Log.NowMs) { SkippedBecause = world.IsDead(op.Site) ? "site dead" : "no reference: it was released and not taken again" };
        lock (_all) _all.Add(outcome);
        world.Log.Add(outcome.ToString());
    }

    /// <summary>Issues the call on the pool, so that a runtime path that blocks cannot stall the schedule.</summary>
    public async Task RunAsync<T>(PlannedOp op, Func<Task<T>> call)
    {
        if (Begin(op) is { } outcome) await TrackAsync(outcome, Task.Run(call));
    }

    /// <summary>
    /// Calls a blocking method from a thread of its own, as an application's thread would: blocking pool threads
    /// would only measure pool starvation.
    /// </summary>
    public async Task RunBlockingAsync<T>(PlannedOp op, Func<T> call)
    {
        if (Begin(op) is not { } outcome) return;
        var ended = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                ended.SetResult(call());
            }
            catch (Exception ex)
            {
                ended.SetException(ex);
            }
        }) { IsBackground = true, Name = "simulated blocking call" };
        thread.Start();
        await TrackAsync(outcome, ended.Task);
    }

    public async Task TrackAsync<T>(OpOutcome outcome, Task<T> call)
    {
        if (!await EndsWithinAsync(call, SimWorld.CallTimeout + Margin))
        {
            world.Log.Add($"LATE {outcome}");
            await EndsWithinAsync(call, HangGrace);
        }
        if (call.IsCompleted)
        {
            outcome.EndedMs = world.Log.NowMs;
            if (call.IsCompletedSuccessfully) outcome.Value = call.Result;
            else outcome.Error = call.Exception?.InnerException ?? new TaskCanceledException(call);
        }
        outcome.Zombie = world.IsDead(outcome.Op.Site);
        world.Log.Add(outcome.ToString());
    }

    /// <summary>
    /// Notes, for every operation, how long the process and the pool stood still while it ran. Called once the
    /// workload is over: a stall is known only when its watcher wakes up after it, which may be after the calls
    /// it held up have ended.
    /// </summary>
    public void AccountStalls()
    {
        foreach (var outcome in All.Where(o => !o.Skipped))
        {
            var (from, to) = (world.Log.TimestampAt(outcome.StartedMs), world.Log.TimestampAt(outcome.EndedMs ?? world.Log.NowMs));
            outcome.ProcessStalledMs = (int)stalls.ProcessStalled(from, to).TotalMilliseconds;
            outcome.PoolStalledMs = (int)stalls.PoolStalled(from, to).TotalMilliseconds;
        }
    }

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
