namespace Tessera.Runtime.Tests.Simulation;

/// <summary>The invariant violations one run found, each a sentence naming the protocol, the sites and the operations.</summary>
internal sealed class Findings
{
    private readonly List<string> _violations = new();

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_violations) return _violations.ToArray();
        }
    }

    public void Add(string violation)
    {
        lock (_violations) _violations.Add(violation);
    }

    /// <summary>
    /// A failure a live caller saw must be one of Tessera's typed faults, never a stray exception; a refusal by the
    /// fault model must name a fault (an entity that is Ok is never refused).
    /// </summary>
    public void RequireTyped(IEnumerable<OpOutcome> outcomes)
    {
        foreach (var outcome in outcomes.Where(o => !o.Zombie))
        {
            if (outcome.Error is { } error and not TesseraException) Add($"untyped fault: {outcome}: {error}");
            if (outcome.Error is EntityFaultException { State: FaultState.Ok } refusal) Add($"refused with state Ok: {outcome}: {refusal.Message}");
        }
    }

    /// <summary>
    /// Every operation ended, with a value or a fault, within its deadline plus the margin, plus the time the process
    /// or its thread pool stood still meanwhile (see <see cref="StallWatch"/>).
    /// </summary>
    public void RequireEnded(IEnumerable<OpOutcome> outcomes)
    {
        foreach (var outcome in outcomes.Where(o => !o.Skipped))
        {
            if (outcome.EndedMs is not { } ended) Add($"hang: {outcome} (no end after {OpRecorder.BoundMs}ms + 5 s)");
            else if (ended - outcome.StartedMs > OpRecorder.BoundMs + Math.Max(outcome.ProcessStalledMs, outcome.PoolStalledMs))
                Add($"late: {outcome}, past its {SimWorld.CallTimeout.TotalMilliseconds:0}ms deadline + {OpRecorder.Margin.TotalMilliseconds:0}ms margin");
        }
    }
}
