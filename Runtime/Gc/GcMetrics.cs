using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Tessera.Gc;

/// <summary>
/// Publishes, on the <c>Tessera</c> meter and for each running site (tag <c>site</c>), what its garbage collector
/// accounts for: the entities it exports and the live proxies it holds, and the same for dataflow variables.
/// </summary>
internal static class GcMetrics
{
    private static readonly ConcurrentDictionary<Site, KeyValuePair<string, object?>> Running = new();

    static GcMetrics()
    {
        TesseraMetrics.CreateGauge("tessera.gc.exports", () => Observe(static site => site.ExportedCount), "{entity}", "Entities this site exports: reachable from other sites or named by a live ticket.");
        TesseraMetrics.CreateGauge("tessera.gc.proxies", () => Observe(static site => site.ProxyCount), "{proxy}", "Proxies this site holds for entities at other sites, not yet released or collected.");
        TesseraMetrics.CreateGauge("tessera.gc.variable_exports", () => Observe(static site => site.ExportedVariableCount), "{variable}", "Unbound dataflow variables this site manages that other sites still refer to.");
        TesseraMetrics.CreateGauge("tessera.gc.variable_proxies", () => Observe(static site => site.VariableProxyCount), "{proxy}", "Proxies this site holds for dataflow variables managed elsewhere, neither determined nor collected.");
    }

    /// <summary>Called once the site listens: a site that failed to start must not be reported, nor kept here.</summary>
    public static void Register(Site site) => Running[site] = new("site", site.Identity.ToString());

    public static void Unregister(Site site) => Running.TryRemove(site, out _);

    private static IEnumerable<Measurement<long>> Observe(System.Func<Site, long> count)
    {
        foreach (var (site, tag) in Running) yield return new Measurement<long>(count(site), tag);
    }
}
