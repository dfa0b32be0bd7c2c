namespace Tessera.Runtime.Tests.Simulation;

/// <summary>Which sites crashed, and when (ms on the run's clock): what can make a fault legitimate.</summary>
internal sealed record Casualties(IReadOnlyDictionary<int, int> DiedAtMs)
{
    public bool Has(int site) => DiedAtMs.ContainsKey(site);

    public bool DiedBy(int site, int atMs) => DiedAtMs.TryGetValue(site, out var died) && died <= atMs;

    /// <summary>The faults that say an entity's home is gone; with a live home, nothing can cause them.</summary>
    public static bool SaysHomeIsGone(Exception? error) => error is ConnectionClosedException or SiteUnreachableException or TransportConnectException
        or EntityNotFoundException or EntityFaultException { State: FaultState.PermFail };

    /// <summary>A live caller told its entity's home is gone must have been told so after that home crashed.</summary>
    public void RequireCause(IEnumerable<OpOutcome> outcomes, int home, Findings findings)
    {
        foreach (var outcome in outcomes.Where(o => !o.Zombie && SaysHomeIsGone(o.Error) && !DiedBy(home, o.EndedMs!.Value)))
            findings.Add($"fault without a cause: {outcome}, but home s{home} {(Has(home) ? $"crashed only at {DiedAtMs[home]}ms" : "never crashed")}");
    }
}
