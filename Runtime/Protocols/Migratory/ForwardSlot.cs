namespace Tessera.Protocols.Migratory;

/// <summary>What became of a request to skip a dead requester at the site that was to hand it the state.</summary>
internal enum RerouteOutcome
{
    /// <summary>The state had not left for the dead site: it goes to the successor instead, or stays.</summary>
    Rerouted,

    /// <summary>The state was handed to the dead site (or past it) already.</summary>
    HandedOn,

    /// <summary>This site neither holds nor awaits the state.</summary>
    Absent,
}

/// <summary>
/// The site an object's state goes to after this one (the manager's FORWARD), and the hop up to which
/// forwards are history: FORWARD is sent again when its connection drops, so a copy of one already acted on,
/// or of one the manager voided to skip a dead site, must be ignored. Not thread-safe: the owning
/// <see cref="MigratoryProxy"/> guards it with its lock.
/// </summary>
internal sealed class ForwardSlot
{
    private long _floor;

    // The last dead requester skipped here: the manager asks again when it did not hear the answer.
    private long _skipped;

    public Requester? Next { get; private set; }

    public bool IsSet => Next is not null;

    /// <summary>The hop up to which forwards are history: the successor of the last one acted on, or voided.</summary>
    public long Floor => _floor;

    /// <summary>A proxy made afresh where a released one acted on forwards up to <paramref name="floor"/>: those are history here too.</summary>
    public void StartAt(long floor) => _floor = floor;

    /// <summary>
    /// A FORWARD arrived. A fresh one counts even if the state is not here or asked for: the manager names a
    /// successor only for a site it placed in the chain, so the state is on its way.
    /// </summary>
    /// <returns>False for a stale or repeated forward.</returns>
    public bool Offer(Requester successor)
    {
        if (successor.Hop <= _floor || Next is { } pending && pending.Hop >= successor.Hop) return false;
        Next = successor;
        return true;
    }

    public Requester Take()
    {
        var successor = Next!.Value;
        Next = null;
        _floor = successor.Hop;
        return successor;
    }

    /// <summary>
    /// Skips the requester at <paramref name="deadHop"/>: the state goes to <paramref name="successor"/>, or stays if null.
    /// <paramref name="mayGetState"/> says whether this site holds the state or awaits it: only then can a forward that
    /// never arrived be voided.
    /// </summary>
    public RerouteOutcome Reroute(long deadHop, Requester? successor, bool mayGetState)
    {
        if (_skipped != 0 && deadHop == _skipped)
        {
            // Asked again, the first answer unheard. Unless the state has moved on since, the successor named now
            // (the manager may have placed one meanwhile) is the one to hand it to.
            if (_floor == deadHop && Next is null && successor is not null) Next = successor;
            return RerouteOutcome.Rerouted;
        }
        if (Next is { } pending && pending.Hop == deadHop)
        {
            Skip(deadHop, successor);
            return RerouteOutcome.Rerouted;
        }
        if (_floor >= deadHop) return RerouteOutcome.HandedOn;
        // A proxy made afresh here starts at the floor of the one before it, which the site remembers (at 0 if it forgot).
        if (Next is not null || !mayGetState) return RerouteOutcome.Absent;
        // The forward naming the dead site never arrived (its connection dropped): void it before it does.
        Skip(deadHop, successor);
        return RerouteOutcome.Rerouted;
    }

    public void Clear() => Next = null;

    /// <summary>The object stopped being shared; a later sharing numbers its hops afresh.</summary>
    public void Reset()
    {
        Next = null;
        _floor = 0;
        _skipped = 0;
    }

    private void Skip(long deadHop, Requester? successor)
    {
        _skipped = deadHop;
        Next = successor;
        if (deadHop > _floor) _floor = deadHop;
    }
}
