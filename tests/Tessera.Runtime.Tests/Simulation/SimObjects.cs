using Tessera;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// The [Stationary] entity of a run: records, at home, every call that runs, so the checker can tell
/// calls that ran from calls that did not, and calls that ran twice.
/// </summary>
[Stationary]
public partial class SimLedger
{
    private readonly Journal<long> _journal;

    internal SimLedger(Journal<long> journal) => _journal = journal;

    public static long Expected(long callId) => callId * 7 + 1;

    public virtual async Task<long> RecordAsync(long callId, int workMilliseconds)
    {
        _journal.Add(callId);
        // Work keeps some calls in flight across a crash or a partition.
        if (workMilliseconds > 0) await Task.Delay(workMilliseconds);
        return Expected(callId);
    }

    /// <summary>The blocking form: the proxy takes another path (a blocked thread, not a task) through the fault gate and the call.</summary>
    public virtual long Record(long callId)
    {
        _journal.Add(callId);
        return Expected(callId);
    }
}

/// <summary>
/// The [Cached] entity of a run: its state is the list of increments applied, so whoever reads it last
/// learns exactly which calls ran, in which order. The run's name travels with the state so that every
/// site's copy reports to the same <see cref="Overlap"/> gauge.
/// </summary>
[Cached]
public partial class SimCounter
{
    private readonly string _run;
    private readonly List<long> _applied = new();

    public SimCounter(string run) => _run = run;

    public virtual async Task<int> IncrementAsync(long opId)
    {
        using (Overlap.Of(_run).Enter())
        {
            _applied.Add(opId);
            // Stays inside a while, so that a second holder running calls at the same time would be seen.
            await Task.Yield();
            return _applied.Count;
        }
    }

    /// <summary>The blocking form: the proxy waits for the state on a blocked thread instead of a task.</summary>
    public virtual int Increment(long opId)
    {
        using (Overlap.Of(_run).Enter())
        {
            _applied.Add(opId);
            Thread.Yield();
            return _applied.Count;
        }
    }

    public virtual Task<long[]> AppliedAsync() => Task.FromResult(_applied.ToArray());
}

/// <summary>The [Async] entity of a run: records the order in which calls run at home, for the FIFO check.</summary>
[Async]
public partial class SimActor
{
    private readonly Journal<(int Caller, int Sequence)> _journal;
    private readonly Overlap _overlap;

    internal SimActor(Journal<(int Caller, int Sequence)> journal, Overlap overlap)
    {
        _journal = journal;
        _overlap = overlap;
    }

    public static int Expected(int caller, int sequence) => caller * 100_000 + sequence;

    public virtual int Step(int caller, int sequence)
    {
        using (_overlap.Enter())
        {
            _journal.Add((caller, sequence));
            return Expected(caller, sequence);
        }
    }
}

/// <summary>Hands out a run's shared dataflow variables, one per round; they are made, and managed, at its home.</summary>
[Stationary]
public partial class SimBoard
{
    private readonly Dataflow<int>[] _rounds;

    internal SimBoard(int rounds) => _rounds = Enumerable.Range(0, rounds).Select(_ => new Dataflow<int>()).ToArray();

    public virtual Task<Dataflow<int>> VariableAsync(int round) => Task.FromResult(_rounds[round]);
}
