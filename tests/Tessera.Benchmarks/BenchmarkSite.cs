using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>How every Tessera site in the benchmark starts, in this process and in the servers.</summary>
internal static class BenchmarkSite
{
    // On 2 cores shared with builds a process can stall past the failure detector's bound (seen: 1.8 s while
    // an Orleans silo started). The benchmark measures calls, not fault handling: it waits through TempFail,
    // where the default would fail the run; the stall still shows in the p99.
    private static readonly SiteOptions Options = new() { Faults = new FaultOptions { Detection = FaultDetection.WaitForRecovery } };

    public static Task<Site> StartAsync(CancellationToken cancellationToken = default) => Site.StartAsync(Options, cancellationToken);
}
