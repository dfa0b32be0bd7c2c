using System.Text;

namespace Tessera.Runtime.Tests.Simulation;

internal enum Protocol
{
    Stationary,
    Cached,
    Async,
    Bind,
}

/// <summary>
/// One operation of the workload. <paramref name="Id"/> is unique in the run; <paramref name="Arg"/> is the
/// stationary call's work in ms, the cached call's flow (its site's calls run one after another per flow), the
/// async call's sequence number, or the bind's round. <paramref name="Blocking"/> calls the blocking form of
/// the method, from a thread of its own.
/// </summary>
internal sealed record PlannedOp(Protocol Protocol, int Site, int AtMs, long Id, int Arg, bool Blocking = false)
{
    /// <summary>The value a bind offers: unique per run, so a winner is always identifiable.</summary>
    public int BindValue => (int)Id;

    public override string ToString() => Protocol switch
    {
        Protocol.Stationary => $"s{Site}@{AtMs}#{Id}" + (Arg > 0 ? $"(work {Arg})" : "") + (Blocking ? "(blocking)" : ""),
        Protocol.Cached => $"s{Site}.{Arg}@{AtMs}#{Id}" + (Blocking ? "(blocking)" : ""),
        Protocol.Async => $"s{Site}@{AtMs}#{Arg}",
        _ => $"r{Arg}:s{Site}@{AtMs}={BindValue}",
    };
}

/// <summary>
/// At <paramref name="AtMs"/>, once the calls it planned before then have ended, <paramref name="Site"/> lets go of its
/// reference to the <paramref name="Protocol"/> entity and takes the object again from its ticket; its later calls go
/// through the new reference. It lets go by releasing the reference, then makes one call on the released one (numbered
/// <paramref name="ProbeId"/>, which must be refused and never run); or, if <paramref name="Drop"/>, by dropping it for
/// the CLR to collect, and nothing is called on it (<paramref name="ProbeId"/> is drawn all the same, so that ids do not
/// depend on the choice).
/// </summary>
internal sealed record PlannedRelease(Protocol Protocol, int Site, int AtMs, long ProbeId, bool Drop = false)
{
    public override string ToString() => Drop ? $"s{Site}@{AtMs}(drop)" : $"s{Site}@{AtMs}#{ProbeId}";
}

internal abstract record FaultEvent(int AtMs);

internal sealed record Crash(int AtMs, int Site) : FaultEvent(AtMs)
{
    public override string ToString() => $"@{AtMs} crash s{Site}";
}

/// <summary>Holds every chunk on <paramref name="Links"/> from <see cref="FaultEvent.AtMs"/> for <paramref name="DurationMs"/>.</summary>
internal sealed record Partition(int AtMs, int DurationMs, string Shape, IReadOnlyList<(int A, int B)> Links) : FaultEvent(AtMs)
{
    public override string ToString() => $"@{AtMs} partition {Shape} for {DurationMs}ms";
}

/// <summary>Delays each chunk on <paramref name="Links"/> by up to <paramref name="MaxDelayMs"/> for <paramref name="DurationMs"/>.</summary>
internal sealed record Slowdown(int AtMs, int DurationMs, int MaxDelayMs, IReadOnlyList<(int A, int B)> Links) : FaultEvent(AtMs)
{
    public override string ToString() => $"@{AtMs} slow {Scenario.Describe(Links)} up to {MaxDelayMs}ms for {DurationMs}ms";
}

/// <summary>Which site is home to each entity of the run.</summary>
internal sealed record Homes(int Stationary, int Cached, int Async, int Variables)
{
    public int Of(Protocol protocol) => protocol switch
    {
        Protocol.Stationary => Stationary,
        Protocol.Cached => Cached,
        Protocol.Async => Async,
        _ => Variables,
    };
}

/// <summary>
/// Everything a run does that comes from its seed: the sites and their detection modes, where each entity
/// lives, the fault schedule and the workload, with times in ms from the start of the faulty phase.
/// </summary>
internal sealed record Scenario(
    int Seed,
    int Sites,
    Homes Homes,
    IReadOnlyList<FaultDetection> Modes,
    int Rounds,
    IReadOnlyList<FaultEvent> Faults,
    IReadOnlyList<PlannedOp> Ops,
    IReadOnlyList<PlannedRelease> Releases)
{
    public IEnumerable<Crash> Crashes => Faults.OfType<Crash>();

    public static string Describe(IReadOnlyList<(int A, int B)> links) => string.Join(",", links.Select(l => $"s{l.A}-s{l.B}"));

    /// <summary>The plan in a few lines: enough to read what a failing seed did, and to rerun it.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"seed {Seed}: {Sites} sites; homes stationary=s{Homes.Stationary} cached=s{Homes.Cached} async=s{Homes.Async} variables=s{Homes.Variables}; "
                        + "modes " + string.Join(" ", Modes.Select((m, i) => $"s{i}={(m == FaultDetection.ThrowOnUse ? "throw" : "wait")}")));
        text.AppendLine("  faults: " + (Faults.Count == 0 ? "none" : string.Join(" | ", Faults)));
        foreach (var protocol in Enum.GetValues<Protocol>())
            text.AppendLine($"  {protocol.ToString().ToLowerInvariant()}: " + string.Join(" ", Ops.Where(o => o.Protocol == protocol)));
        if (Releases.Count > 0)
            text.AppendLine("  releases and drops, then takes again: " + string.Join(" | ", Releases.GroupBy(r => r.Protocol).Select(g => $"{g.Key.ToString().ToLowerInvariant()} {string.Join(" ", g)}")));
        return text.ToString();
    }
}
