using System.Globalization;
using System.Text.RegularExpressions;
using Tessera.TestHost;
using Tessera.Wire;
using Xunit;
using Xunit.Abstractions;

namespace Tessera.IntegrationTests;

/// <summary>Distributed garbage collection between real OS processes over real TCP.</summary>
public sealed partial class GcOverTcpTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// A client process takes and drops proxies returned from calls (20,000 here; set TESSERA_GC_CHURN for
    /// the full 100,000 run reported in docs/gc.md). Afterwards the home exports only the factory again and
    /// neither side's managed memory grew beyond noise.
    /// </summary>
    [Fact]
    public async Task Churning_proxies_in_a_client_process_leaves_the_export_table_at_baseline_and_memory_flat()
    {
        var proxies = int.TryParse(Environment.GetEnvironmentVariable("TESSERA_GC_CHURN"), out var n) ? n : 20_000;
        await using var site = await Site.StartAsync(new SiteOptions { Gc = new GcOptions { WeightReturnDelay = TimeSpan.FromMilliseconds(20) } });
        var ticket = new WidgetFactory().OfferUnlimited(site);
        var baseline = site.ExportedCount;

        await using var client = ChildProcess.Start("Tessera.TestHost", "churn", ticket, proxies.ToString(CultureInfo.InvariantCulture));
        using var cancellation = new CancellationTokenSource(Timeout);
        var warmLine = await client.StandardOutput.ReadLineAsync(cancellation.Token);
        Assert.True(warmLine?.StartsWith("warm=", StringComparison.Ordinal) == true, $"Expected 'warm=…' but got '{warmLine}'");
        var homeBefore = await SettleAsync(site, baseline, cancellation.Token);
        await client.StandardInput.WriteLineAsync("go");
        await client.StandardInput.FlushAsync(cancellation.Token);
        var line = await client.StandardOutput.ReadLineAsync(cancellation.Token);
        var done = DoneLine().Match(line ?? "");
        Assert.True(done.Success, $"Expected 'done …' but got '{line}'");
        var homeAfter = await SettleAsync(site, baseline, cancellation.Token);

        var (warm, end) = (long.Parse(done.Groups["warm"].Value, CultureInfo.InvariantCulture), long.Parse(done.Groups["end"].Value, CultureInfo.InvariantCulture));
        output.WriteLine($"{proxies} proxies in {done.Groups["seconds"].Value} s; client memory after 20%: {warm:N0} B, at the end: {end:N0} B; home memory after 20%: {homeBefore:N0} B, at the end: {homeAfter:N0} B; weight returns received: {site.Counters.Received(MessageKind.WeightReturn)}");
        Assert.Equal(baseline, site.ExportedCount);
        Assert.True(end - warm < 2_000_000, $"client memory grew from {warm:N0} to {end:N0} bytes");
        Assert.True(homeAfter - homeBefore < 1_000_000, $"home memory grew from {homeBefore:N0} to {homeAfter:N0} bytes");
        Assert.True(site.Counters.Received(MessageKind.WeightReturn) < proxies / 10, "weight returns were not batched");
        await client.StopAsync(Timeout);
    }

    /// <summary>Waits until the home exports only its baseline again, then measures its managed memory.</summary>
    private static async Task<long> SettleAsync(Site site, int baseline, CancellationToken cancellationToken)
    {
        while (site.ExportedCount != baseline) await Task.Delay(10, cancellationToken);
        return SettledMemory();
    }

    private static long SettledMemory()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [GeneratedRegex(@"^done proxies=\d+ seconds=(?<seconds>[\d.]+) warm=(?<warm>\d+) end=(?<end>\d+)")]
    private static partial Regex DoneLine();
}
