using Xunit;

namespace Tessera.IntegrationTests;

/// <summary>The Coder sample's command line, as two terminals would run it.</summary>
public sealed class CoderCommandLineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Offer_and_take_in_two_processes_print_the_values_of_a_local_coder()
    {
        var local = new Tessera.Samples.Coder.Coder(100);
        var expected = Enumerable.Range(0, 4).Select(_ => local.Get().ToString()).ToArray();
        Assert.Equal(new[] { "100", "347", "22" }, expected[..3]);
        var ticketFile = TicketFile.NewPath();
        await using var offer = ChildProcess.Start("Coder", "offer", "--ticket-file", ticketFile);
        var ticket = await TicketFile.WaitAsync(ticketFile, offer, Timeout);
        Assert.Equal(ticket, (await offer.StandardOutput.ReadLineAsync())?.Trim());

        var (exitCode, output, error) = await ChildProcess.RunAsync(Timeout, "Coder", "take", ticket, "--count", "4");

        Assert.True(exitCode == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(expected, lines[..4]);
        Assert.Equal("messages sent=5 received=5", lines[4]);
        await offer.StopAsync(Timeout);
    }

    [Fact]
    public async Task Take_with_an_interval_reports_faults_and_exits_3_soon_after_the_home_is_killed()
    {
        var ticketFile = TicketFile.NewPath();
        await using var offer = ChildProcess.Start("Coder", "offer", "--ticket-file", ticketFile);
        var ticket = await TicketFile.WaitAsync(ticketFile, offer, Timeout);
        await using var take = ChildProcess.Start("Coder", "take", ticket, "--count", "0", "--interval-ms", "50");
        Assert.Equal("100", (await take.StandardOutput.ReadLineAsync().WaitAsync(Timeout))?.Trim());
        Assert.Equal("347", (await take.StandardOutput.ReadLineAsync().WaitAsync(Timeout))?.Trim());

        var clock = System.Diagnostics.Stopwatch.StartNew();
        offer.Kill();
        var output = await take.StandardOutput.ReadToEndAsync().WaitAsync(Timeout);
        var exitCode = await take.WaitForExitAsync(Timeout);

        Assert.Equal(3, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("fault: TempFail", lines);
        Assert.Equal("fault: PermFail", lines[^1]);
        // The default grace period is 5 s; the rest is a heartbeat, a redial period and process exit.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"take exited {clock.Elapsed} after the kill");
    }

    [Fact]
    public async Task Take_with_a_bad_ticket_exits_non_zero_with_the_specific_error_and_no_stack_trace()
    {
        var (exitCode, output, error) = await ChildProcess.RunAsync(Timeout, "Coder", "take", "tessera1.not-a-ticket");

        Assert.NotEqual(0, exitCode);
        Assert.Equal("", output);
        Assert.Contains(nameof(MalformedTicketException), error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task The_demo_runs_both_sides_and_exits_zero()
    {
        var (exitCode, output, error) = await ChildProcess.RunAsync(Timeout, "Coder");

        Assert.True(exitCode == 0, error);
        Assert.Contains("coder.Get() = 100", output);
        Assert.Contains("coder.Get() = 347", output);
        Assert.Contains("coder.Get() = 22", output);
    }
}
