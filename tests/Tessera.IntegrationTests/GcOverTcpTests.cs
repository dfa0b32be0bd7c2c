using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace Tessera.IntegrationTests;

/// <summary>Distributed garbage collection between real OS processes over real TCP.</summary>
public sealed partial class GcOverTcpTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(300);

    /// <summary>
    /// A leak costs at least one object (24 bytes) or one table entry (16 bytes) per proxy, or per few proxies, at
    /// every step of the run; so the median growth per step must stay below 8 bytes per proxy, whatever else happens.
    /// </summary>
    private const int StepLeakBytesPerProxy = 8;

    /// <summary>
    /// The shared array pool keeps a few more buffers as more threads take part: one or two steps of up to a few
    /// hundred kilobytes at random marks before a plateau (docs/gc.md, "Measured"). A leak in bursts, which the
    /// median of the steps might miss, shows over the second half: 16 bytes per proxy is 800 KB at 100,000.
    /// </summary>
    private const int HalfRunLeakBytesPerProxy = 16;

    /// <summary>
    /// The client sends returned weight in messages of this many entities (TESSERA_GC_CHURN_BATCH overrides it).
    /// With the default (1,024 entities, 24 KB frames) the pool's buffers are larger and its fill comes in steps at
    /// more marks, too close to the bounds above; 256 entities keep them at 8 KB. docs/gc.md reports the defaults too.
    /// </summary>
    private const int EntitiesPerMessage = 256;

    /// <summary>
    /// A client process takes and drops 100,000 proxies returned from calls, in ten steps (TESSERA_GC_CHURN sets
    /// another count, as for the runs in docs/gc.md), and a home process of its own answers them. After every step
    /// the home exports only the factory again, and neither side's managed memory grows as a leak would make it.
    /// </summary>
    [Fact]
    public async Task Churning_proxies_in_a_client_process_leaves_the_export_table_at_baseline_and_memory_flat()
    {
        var proxies = int.TryParse(Environment.GetEnvironmentVariable("TESSERA_GC_CHURN"), out var n) ? n : 100_000;
        var batch = int.TryParse(Environment.GetEnvironmentVariable("TESSERA_GC_CHURN_BATCH"), out var b) ? b : EntitiesPerMessage;
        using var cancellation = new CancellationTokenSource(Timeout);
        await using var home = ChildProcess.Start("Tessera.TestHost", "churn-home");
        var ticketLine = await home.StandardOutput.ReadLineAsync(cancellation.Token) ?? "";
        Assert.StartsWith("ticket=", ticketLine, StringComparison.Ordinal);
        await using var client = ChildProcess.Start("Tessera.TestHost", "churn", ticketLine["ticket=".Length..], proxies.ToString(CultureInfo.InvariantCulture), batch.ToString(CultureInfo.InvariantCulture));

        var marks = new List<(int Proxies, long Client, long Home, int Exports)>();
        var homeLine = HomeLine().Match("");
        while (true)
        {
            var line = await client.StandardOutput.ReadLineAsync(cancellation.Token) ?? "";
            if (line.StartsWith("done ", StringComparison.Ordinal))
            {
                output.WriteLine($"{line} (weight returns of up to {batch} entities)");
                break;
            }
            var mark = MarkLine().Match(line);
            Assert.True(mark.Success, $"Expected 'mark …' but got '{line}'");
            homeLine = HomeLine().Match(await AskAsync(home, cancellation.Token));
            Assert.True(homeLine.Success, "The home did not report its memory.");
            marks.Add((Number<int>(mark, "proxies"), Number<long>(mark, "bytes"), Number<long>(homeLine, "bytes"), Number<int>(homeLine, "exports")));
            await client.StandardInput.WriteLineAsync("next");
            await client.StandardInput.FlushAsync(cancellation.Token);
        }

        foreach (var (made, clientBytes, homeBytes, exports) in marks)
            output.WriteLine($"{made,9:N0} proxies: client {clientBytes,12:N0} B, home {homeBytes,12:N0} B, home exports {exports}");
        Assert.All(marks, m => Assert.Equal(1, m.Exports));
        AssertFlat("client", marks.Select(m => (m.Proxies, m.Client)).ToList());
        AssertFlat("home", marks.Select(m => (m.Proxies, m.Home)).ToList());
        output.WriteLine($"weight returns received at home: {Number<int>(homeLine, "returns"):N0}");
        Assert.True(Number<int>(homeLine, "returns") < proxies / 10, "weight returns were not batched");
        Assert.Equal(0, await client.WaitForExitAsync(Timeout));
        await home.StopAsync(Timeout);
    }

    private void AssertFlat(string side, List<(int Proxies, long Bytes)> marks)
    {
        var steps = marks.Zip(marks.Skip(1), (before, after) => after.Bytes - before.Bytes).Order().ToList();
        var median = steps[steps.Count / 2];
        var stepProxies = marks[1].Proxies - marks[0].Proxies;
        var (middle, end) = (marks[marks.Count / 2 - 1], marks[^1]);
        var halfProxies = end.Proxies - middle.Proxies;
        output.WriteLine($"{side}: median growth per {stepProxies:N0} proxies {median:N0} B (a leak: {stepProxies * StepLeakBytesPerProxy:N0} B); over the last {halfProxies:N0} {end.Bytes - middle.Bytes:N0} B (a leak: {halfProxies * HalfRunLeakBytesPerProxy:N0} B)");
        Assert.True(median < (long)stepProxies * StepLeakBytesPerProxy, $"{side} memory grew by a median {median:N0} bytes per {stepProxies:N0} proxies");
        Assert.True(end.Bytes - middle.Bytes < (long)halfProxies * HalfRunLeakBytesPerProxy, $"{side} memory grew from {middle.Bytes:N0} to {end.Bytes:N0} bytes over {halfProxies:N0} proxies");
    }

    private static async Task<string> AskAsync(ChildProcess home, CancellationToken cancellationToken)
    {
        await home.StandardInput.WriteLineAsync("measure");
        await home.StandardInput.FlushAsync(cancellationToken);
        return await home.StandardOutput.ReadLineAsync(cancellationToken) ?? "";
    }

    private static T Number<T>(Match match, string group) where T : IParsable<T> => T.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^mark proxies=(?<proxies>\d+) bytes=(?<bytes>\d+)$")]
    private static partial Regex MarkLine();

    [GeneratedRegex(@"^home exports=(?<exports>\d+) bytes=(?<bytes>\d+) returns=(?<returns>\d+)$")]
    private static partial Regex HomeLine();
}
