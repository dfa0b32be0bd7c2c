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
    /// Any per-proxy leak costs at least one object (24 bytes) or one table entry (16 bytes) for every proxy made,
    /// so growth above 8 bytes per proxy over the second half of the run is a leak. What the roles report between
    /// marks varies by a few kilobytes (docs/gc.md), far below that bound even for the default run.
    /// </summary>
    private const int LeakBytesPerProxy = 8;

    /// <summary>
    /// The client sends returned weight in messages of this many entities (TESSERA_GC_CHURN_BATCH overrides it).
    /// With the default (1,024 entities, a 24 KB frame) the shared array pool keeps a few more frame buffers as more
    /// threads take part: a bounded step of a few hundred kilobytes that lands at a random mark and would hide a
    /// small leak. 256 entities keep those buffers at 8 KB. docs/gc.md reports runs with the default too.
    /// </summary>
    private const int EntitiesPerMessage = 256;

    /// <summary>
    /// A client process takes and drops 100,000 proxies returned from calls, in ten steps (TESSERA_GC_CHURN sets
    /// another count, as for the runs in docs/gc.md), and a home process of its own answers them. After every step
    /// the home exports only the factory again, and from the middle of the run to its end neither side's managed
    /// memory grows by more than a leak of <see cref="LeakBytesPerProxy"/> bytes per proxy would.
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
        var (middle, end) = (marks[marks.Count / 2 - 1], marks[^1]);
        var allowed = (long)(end.Proxies - middle.Proxies) * LeakBytesPerProxy;
        output.WriteLine($"growth over the last {end.Proxies - middle.Proxies:N0} proxies: client {end.Client - middle.Client:N0} B, home {end.Home - middle.Home:N0} B (a leak is above {allowed:N0} B)");
        Assert.All(marks, m => Assert.Equal(1, m.Exports));
        Assert.True(end.Client - middle.Client < allowed, $"client memory grew from {middle.Client:N0} to {end.Client:N0} bytes over {end.Proxies - middle.Proxies:N0} proxies");
        Assert.True(end.Home - middle.Home < allowed, $"home memory grew from {middle.Home:N0} to {end.Home:N0} bytes over {end.Proxies - middle.Proxies:N0} proxies");
        Assert.True(Number<int>(homeLine, "returns") < proxies / 10, "weight returns were not batched");
        Assert.Equal(0, await client.WaitForExitAsync(Timeout));
        await home.StopAsync(Timeout);
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
