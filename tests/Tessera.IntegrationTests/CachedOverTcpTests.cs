using System.Diagnostics;
using Tessera.TestHost;
using Tessera.Wire;
using Xunit;

namespace Tessera.IntegrationTests;

/// <summary>[Cached] objects between real OS processes over real TCP: the state moves, calls stay serialized.</summary>
public sealed class CachedOverTcpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Three_processes_making_200_concurrent_increments_each_count_exactly_600()
    {
        await using var site = await Site.StartAsync(new SiteOptions { DefaultCallTimeout = Timeout });
        var counter = CachedCounter.Create();
        var ticket = counter.OfferUnlimited(site);
        await using var first = ChildProcess.Start("Tessera.TestHost", "increment", ticket, "200");
        await using var second = ChildProcess.Start("Tessera.TestHost", "increment", ticket, "200");

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => counter.IncrementAsync())).WaitAsync(Timeout);
        await ExpectLineAsync(first, "done");
        await ExpectLineAsync(second, "done");

        Assert.Equal(600, counter.Count());
        await first.StopAsync(Timeout);
        await second.StopAsync(Timeout);
    }

    [Fact]
    public async Task The_cached_coder_prints_the_stationary_values_and_later_calls_send_nothing()
    {
        var ticketFile = TicketFile.NewPath();
        await using var offer = ChildProcess.Start("Coder", "offer", "--mode", "cached", "--ticket-file", ticketFile);
        var ticket = await TicketFile.WaitAsync(ticketFile, offer, Timeout);

        var (exitCode, output, error) = await ChildProcess.RunAsync(Timeout, "Coder", "take", ticket, "--mode", "cached", "--count", "5");

        Assert.True(exitCode == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var local = new Tessera.Samples.Coder.Coder(100);
        Assert.Equal(Enumerable.Range(0, 5).Select(_ => local.Get().ToString()), lines[..5]);
        Assert.Equal(["100", "347", "22"], lines[..3]);
        // The take (1 + 1) and the first Get's move (GET, TOKEN); the four later Gets ran locally.
        Assert.Equal("messages sent=2 received=2", lines[5]);
        await offer.StopAsync(Timeout);
    }

    [Fact]
    public async Task After_the_first_move_calls_on_the_taker_send_no_messages()
    {
        var ticketFile = TicketFile.NewPath();
        await using var offer = ChildProcess.Start("Coder", "offer", "--mode", "cached", "--ticket-file", ticketFile);
        var ticket = await TicketFile.WaitAsync(ticketFile, offer, Timeout);
        await using var site = await Site.StartAsync();
        var coder = await Tessera.Samples.Coder.CachedCoder.TakeAsync(site, ticket);

        Assert.Equal(100, coder.Get());
        Assert.Equal(1, site.Counters.Sent(MessageKind.Get));
        Assert.Equal(1, site.Counters.Received(MessageKind.Token));
        var (sent, received) = (site.Counters.TotalSent, site.Counters.TotalReceived);

        Assert.Equal(347, coder.Get());
        Assert.Equal(22, coder.Get());
        Assert.Equal((sent, received), (site.Counters.TotalSent, site.Counters.TotalReceived));
        await offer.StopAsync(Timeout);
    }

    [Fact]
    public async Task Killing_the_holder_process_makes_the_object_PermFail_and_fails_every_waiting_call_within_its_deadline()
    {
        var deadline = TimeSpan.FromSeconds(20);
        await using var site = await Site.StartAsync(new SiteOptions { DefaultCallTimeout = deadline });
        var counter = CachedCounter.Create();
        await using var holder = ChildProcess.Start("Tessera.TestHost", "hold", counter.Offer(site));
        await ExpectLineAsync(holder, "holding");
        var waiting = Enumerable.Range(0, 10).Select(_ => counter.IncrementAsync()).ToList();
        using (var forwarded = new CancellationTokenSource(Timeout))
        {
            while (site.Counters.Sent(MessageKind.Forward) == 0) await Task.Delay(10, forwarded.Token);
        }
        var clock = Stopwatch.StartNew();

        holder.Kill();

        // The connection reset makes the holder TempFail; it is PermFail once no redial succeeds within the grace (5 s).
        foreach (var call in waiting)
        {
            var error = await Assert.ThrowsAsync<EntityFaultException>(() => call.WaitAsync(deadline + TimeSpan.FromSeconds(10)));
            Assert.Equal(FaultState.PermFail, error.State);
            Assert.IsType<CachedStateLostException>(error.InnerException);
        }
        Assert.True(clock.Elapsed < deadline, $"The waiting calls failed after {clock.Elapsed}, past their deadline of {deadline}.");
        Assert.Equal(FaultState.PermFail, Faults.StateOf(counter));
        Assert.Equal(FaultState.PermFail, (await Assert.ThrowsAsync<EntityFaultException>(() => counter.IncrementAsync())).State);
    }

    private static async Task ExpectLineAsync(ChildProcess process, string prefix)
    {
        using var cancellation = new CancellationTokenSource(Timeout);
        var line = await process.StandardOutput.ReadLineAsync(cancellation.Token);
        Assert.True(line?.StartsWith(prefix, StringComparison.Ordinal) == true, $"Expected '{prefix}…' but got '{line}': {(process.HasExited ? await process.StandardError.ReadToEndAsync(cancellation.Token) : "")}");
    }
}
