using Tessera.Runtime.Tests.Sites;
using Xunit;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>Sites on one in-memory network that send returned weight home within milliseconds.</summary>
internal static class GcSites
{
    public static readonly GcOptions Fast = new() { WeightReturnDelay = TimeSpan.FromMilliseconds(5) };

    // A test clock jumps whole lease periods without letting heartbeats through in between, which would read
    // as silence; these tests are about leases, so failure detection is pushed out of their way.
    private static readonly FaultOptions NoHeartbeats = new() { HeartbeatInterval = TimeSpan.FromDays(1) };

    public static Task<Site> StartAsync(SiteHarness harness, TimeProvider? time = null, GcOptions? gc = null)
        => harness.StartSiteAsync(configure: options => options with { Gc = gc ?? Fast, TimeProvider = time ?? TimeProvider.System, Faults = time is null ? options.Faults : NoHeartbeats });

    /// <summary>Collects garbage here until the home's export count drops to <paramref name="expected"/>, or fails at the deadline.</summary>
    public static async Task ExportsSettleAsync(Site home, int expected, TimeSpan? deadline = null)
    {
        using var cancellation = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(20));
        while (home.ExportedCount != expected)
        {
            if (cancellation.IsCancellationRequested) Assert.Fail($"The home still exports {home.ExportedCount} entities, expected {expected}.");
            Collect.Garbage();
            await Task.Delay(5);
        }
    }
}
