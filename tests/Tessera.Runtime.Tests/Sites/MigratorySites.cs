using Tessera.Runtime.Tests.FaultHandling;
using Tessera.Transport;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>Sites and a shared <see cref="Counter"/> for the migratory protocol's tests.</summary>
internal static class MigratorySites
{
    public static async Task<(Site Home, Counter Counter, List<Counter> Others)> ShareAsync(SiteHarness harness, int others, TimeSpan? callTimeout = null)
    {
        var home = await StartAsync(harness, callTimeout);
        var counter = Counter.Create();
        var ticket = counter.OfferUnlimited(home);
        var proxies = new List<Counter>();
        for (var i = 0; i < others; i++) proxies.Add(await Counter.TakeAsync(await StartAsync(harness, callTimeout), ticket));
        return (home, counter, proxies);
    }

    /// <summary>
    /// A site whose failure detector gives up on a crashed peer within a second, so loss is decided quickly, and whose
    /// calls wait through TempFail: under load a starved site looks silent for a moment, which is not what these test.
    /// </summary>
    public static Task<Site> StartAsync(SiteHarness harness, TimeSpan? callTimeout = null, Func<ITransport, ITransport>? wrapTransport = null)
        => harness.StartSiteAsync(callTimeout, wrapTransport: wrapTransport, configure: options => options with
        {
            Faults = FaultSites.Fast with { Detection = FaultDetection.WaitForRecovery },
        });
}
