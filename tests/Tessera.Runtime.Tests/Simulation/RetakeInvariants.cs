namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// What one planned release or drop did: whether the reference went (released, or collected), what a call on a released
/// one said afterwards, and each take that followed.
/// </summary>
/// <param name="released">The reference, for a release; null for a drop, whose reference the record must not keep alive.</param>
internal sealed class RetakeRecord(PlannedRelease plan, int startedMs, object? released)
{
    public PlannedRelease Plan { get; } = plan;

    /// <summary>When the release began: once the site's earlier calls had ended.</summary>
    public int StartedMs { get; } = startedMs;

    public object? Released { get; } = released;

    /// <summary>For a drop, when the site dropped its reference.</summary>
    public int? DroppedMs { get; set; }

    /// <summary>For a drop, how many forced collections it took until the proxy was collected; null if it was not (see <see cref="Proxies.CollectAsync"/>).</summary>
    public int? Collections { get; set; }

    /// <summary>How often Release refused because the [Cached] state was here, or on its way.</summary>
    public int Refusals { get; set; }

    /// <summary>The state never moved on, so the site kept its reference, as an application would have to.</summary>
    public bool Kept { get; set; }

    public int? ReleasedMs { get; set; }

    public bool ReleaseReturned { get; set; }

    /// <summary>Release threw something other than the [Cached] refusal.</summary>
    public Exception? ReleaseError { get; set; }

    public bool UseOfReleasedEnded { get; set; }

    /// <summary>What the call on the released reference threw; null if it ran (or never ended).</summary>
    public Exception? UseOfReleased { get; set; }

    public List<TakeAttempt> Takes { get; } = new();

    /// <summary>The reference taken again, if a take succeeded.</summary>
    public object? Fresh { get; set; }

    public string Name => $"s{Plan.Site}'s {Plan.Protocol.ToString().ToLowerInvariant()} reference ({(Plan.Drop ? "dropped" : "released")} {Plan})";
}

/// <summary>One take of the ticket after a release, ms on the run's clock.</summary>
internal sealed class TakeAttempt(int startedMs)
{
    public int StartedMs { get; } = startedMs;

    /// <summary>Null for a take that never ended.</summary>
    public int? EndedMs { get; set; }

    public Exception? Error { get; set; }

    /// <summary>How long, while it ran, the process or its thread pool stood still (see <see cref="StallWatch"/>).</summary>
    public int StalledMs { get; set; }

    public override string ToString() => $"@{StartedMs} " + (EndedMs is not { } ended ? "never ended" : $"-> {(Error is null ? "taken" : OpOutcome.Describe(Error))} ({ended - StartedMs}ms)");
}

/// <summary>
/// What releasing (or dropping) a reference and taking the object again must show. Release takes a live proxy (true); a
/// call on the released reference is refused with <see cref="ReferenceReleasedException"/> and never runs; every take
/// ends within its deadline with a fresh proxy (after a drop, the old one if the CLR could not collect it) or a typed
/// fault, and never says the unlimited ticket is gone while its home lives; and a site whose home lives gets the object
/// back. The calls made through the new reference are judged with all the
/// others, by each protocol's own invariants. A site that crashed is held only to the rule that its takes end.
/// </summary>
internal static class RetakeInvariants
{
    private static readonly int TakeBoundMs = (int)(LinkedSites.TakeTimeout + OpRecorder.Margin).TotalMilliseconds;

    /// <param name="ran">The call ids that ran, as the ledger's journal and the [Cached] state tell.</param>
    public static void Check(IReadOnlyList<RetakeRecord> records, Casualties casualties, Homes homes, IReadOnlySet<long> ran, Findings findings)
    {
        foreach (var record in records)
        {
            foreach (var take in record.Takes)
            {
                if (take.EndedMs is not { } ended) findings.Add($"hang: a take of {record.Name} (no end after {TakeBoundMs}ms + {OpRecorder.HangGrace.TotalSeconds:0} s)");
                else if (ended - take.StartedMs > TakeBoundMs + take.StalledMs) findings.Add($"late: a take of {record.Name}, {take}, past its bound of {TakeBoundMs}ms");
            }
            if (!record.Plan.Drop && ran.Contains(record.Plan.ProbeId)) findings.Add($"release: the call #{record.Plan.ProbeId} on {record.Name}, after the release, ran");
            if (casualties.Has(record.Plan.Site)) continue;
            CheckRelease(record, findings);
            CheckTakes(record, casualties, homes.Of(record.Plan.Protocol), findings);
        }
    }

    private static void CheckRelease(RetakeRecord record, Findings findings)
    {
        if (record.ReleaseError is { } error) findings.Add($"release: {record.Name}: Release threw {error}");
        if (record.ReleasedMs is null) return;
        if (!record.ReleaseReturned) findings.Add($"release: {record.Name}: Release returned false for a live proxy");
        else if (!record.UseOfReleasedEnded) findings.Add($"release: a call on {record.Name} did not end within {SimWorld.CallTimeout + OpRecorder.Margin}");
        else if (record.UseOfReleased is not ReferenceReleasedException)
            findings.Add($"release: a call on {record.Name} {(record.UseOfReleased is { } thrown ? $"threw {thrown.GetType().Name} ({thrown.Message})" : "ran")} instead of throwing ReferenceReleasedException");
    }

    private static void CheckTakes(RetakeRecord record, Casualties casualties, int home, Findings findings)
    {
        var letGo = record.Plan.Drop ? record.DroppedMs is not null : record.ReleasedMs is not null && record.ReleaseReturned;
        if (!letGo) return;
        foreach (var take in record.Takes.Where(t => t.Error is not null))
        {
            if (take.Error is not TesseraException) findings.Add($"untyped fault: a take of {record.Name}: {take.Error}");
            else if (take.Error is TicketException && !casualties.DiedBy(home, take.EndedMs!.Value))
                findings.Add($"release: a take of {record.Name} was refused ({take.Error.GetType().Name}) though the unlimited ticket's home s{home} lived");
        }
        if (record.Fresh is { } fresh)
        {
            if (record.Released is { } released && ReferenceEquals(Proxies.Of(fresh), Proxies.Of(released))) findings.Add($"release: taking {record.Name} again gave back the released proxy");
            else if (!RemoteReference.IsRemote(fresh)) findings.Add($"release: taking {record.Name} again gave a local object, not a proxy");
            return;
        }
        var last = record.Takes.LastOrDefault()?.EndedMs ?? int.MaxValue;
        if (!casualties.DiedBy(home, last))
            findings.Add($"release: {record.Name} could not be taken again while home s{home} lived: {string.Join("; ", record.Takes)}");
    }
}
