using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Tessera.Gc;

/// <summary>
/// Publishes <c>tessera.gc.exports</c> and <c>tessera.gc.proxies</c> on the <c>Tessera</c> meter: for each
/// running site (tag <c>site</c>), how many entities it exports and how many live proxies it holds.
/// </summary>
internal static class GcMetrics
{
    private static readonly ConcurrentDictionary<GarbageCollector, KeyValuePair<string, object?>> Running = new();

    static GcMetrics()
    {
        TesseraMetrics.CreateGauge("tessera.gc.exports", () => Observe(static gc => gc.ExportCount), "{entity}", "Entities this site exports: reachable from other sites or named by a live ticket.");
        TesseraMetrics.CreateGauge("tessera.gc.proxies", () => Observe(static gc => gc.ProxyCount), "{proxy}", "Proxies this site holds for entities at other sites, not yet released or collected.");
    }

    public static void Register(GarbageCollector gc, SiteIdentity site) => Running[gc] = new("site", site.ToString());

    public static void Unregister(GarbageCollector gc) => Running.TryRemove(gc, out _);

    private static IEnumerable<Measurement<long>> Observe(System.Func<GarbageCollector, long> count)
    {
        foreach (var (gc, tag) in Running) yield return new Measurement<long>(count(gc), tag);
    }
}
