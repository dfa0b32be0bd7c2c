using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tessera.FaultInjection;
using Tessera.TestHost;
using Xunit;
using Xunit.Abstractions;

namespace Tessera.IntegrationTests;

/// <summary>Faults between real processes over TCP: a killed home, a blackholed link, a restarted home.</summary>
[Collection(TimingSensitive.Name)]
public sealed class FaultsOverTcpTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // The watchers' options (FaultWatcher): heartbeat 250 ms, grace 2 s. PermFail must follow within the
    // grace plus a redial period and a heartbeat, with room for a loaded 2-core machine.
    private static readonly TimeSpan WatcherBound = TimeSpan.FromSeconds(6);

    private static readonly FaultOptions Fast = new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        MinimumSilenceSlack = TimeSpan.FromMilliseconds(300),
        PermFailGrace = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public async Task Killing_the_home_gives_PermFail_on_two_other_processes_and_ends_their_pending_calls()
    {
        await using var home = await CalculatorServer.StartAsync();
        await using var first = ChildProcess.Start("Tessera.TestHost", "watch", home.Ticket, "50");
        await using var second = ChildProcess.Start("Tessera.TestHost", "watch", home.Ticket, "50");
        Assert.StartsWith("ready 3", await ReadLineAsync(first));
        Assert.StartsWith("ready 3", await ReadLineAsync(second));

        var clock = Stopwatch.StartNew();
        home.Process.Kill();

        foreach (var watcher in new[] { first, second })
        {
            var lines = await ReadToExitAsync(watcher);
            var permFail = lines.Single(line => line.StartsWith("fault: PermFail", StringComparison.Ordinal));
            Assert.Contains(lines, line => line.StartsWith("pending ended: ", StringComparison.Ordinal));
            Assert.Equal(3, await watcher.WaitForExitAsync(Deadline));
            output.WriteLine($"watcher {watcher.Id}: {string.Join(" | ", lines)}; exited {clock.ElapsedMilliseconds} ms after the kill");
        }
        Assert.True(clock.Elapsed < WatcherBound + TimeSpan.FromSeconds(5), $"both watchers ended {clock.Elapsed} after the kill");
    }

    [Fact]
    public async Task A_blackholed_link_is_TempFail_then_Ok_and_no_call_runs_twice()
    {
        var port = FreePort();
        await using var relay = await FaultRelay.StartAsync($"127.0.0.1:{port}");
        await using var home = await CalculatorServer.StartAsync("--listen", $"127.0.0.1:{port}", "--advertise", relay.ListenAddress);
        await using var site = await Site.StartAsync(new SiteOptions { Faults = Fast, DefaultCallTimeout = TimeSpan.FromSeconds(30) });
        var calculator = await Calculator.TakeAsync(site, home.Ticket);
        var patient = await Calculator.TakeAsync(site, home.Ticket);
        Assert.Same(calculator, patient);
        var before = calculator.Calls();
        var states = new List<FaultState>();
        using var watching = new CancellationTokenSource(Deadline);
        var watcher = Task.Run(async () =>
        {
            await foreach (var state in Faults.Watch(calculator, watching.Token)) lock (states) states.Add(state);
        });

        relay.Blackhole();
        var clock = Stopwatch.StartNew();
        await WaitUntilAsync(() => Faults.StateOf(calculator) == FaultState.TempFail);
        output.WriteLine($"TempFail {clock.ElapsedMilliseconds} ms after the blackhole (bound: 200 ms + max(300 ms, RTT bound))");

        var fast = Stopwatch.StartNew();
        Assert.Equal(FaultState.TempFail, Assert.Throws<EntityFaultException>(() => calculator.Add(2, 2)).State);
        Assert.True(fast.Elapsed < TimeSpan.FromSeconds(1), $"exception mode took {fast.Elapsed} to refuse");

        Faults.SetDetection(calculator, FaultDetection.WaitForRecovery);
        var waiting = Task.Run(() => calculator.Add(20, 22));
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted);
        relay.Restore();

        Assert.Equal(42, await waiting.WaitAsync(Deadline));
        await WaitUntilAsync(() => Faults.StateOf(calculator) == FaultState.Ok);
        // Calls(): the blackholed Add(2, 2) never ran, the waiting Add(20, 22) ran once, and Calls itself is not counted.
        Assert.Equal(before + 1, calculator.Calls());
        await watching.CancelAsync();
        await watcher;
        lock (states) Assert.Equal(new[] { FaultState.Ok, FaultState.TempFail, FaultState.Ok }, states);
    }

    [Fact]
    public async Task A_home_restarted_on_the_same_port_breaks_old_references_and_new_tickets_work()
    {
        var port = FreePort();
        var address = $"127.0.0.1:{port}";
        await using var site = await Site.StartAsync(new SiteOptions { Faults = Fast with { PermFailGrace = TimeSpan.FromSeconds(60) } });
        await using var first = await CalculatorServer.StartAsync("--listen", address);
        var old = await Calculator.TakeAsync(site, first.Ticket);
        Assert.Equal(2, old.Add(1, 1));
        first.Process.Kill();
        await WaitUntilAsync(() => Faults.StateOf(old) == FaultState.TempFail);

        await using var second = await CalculatorServer.StartAsync("--listen", address);
        var clock = Stopwatch.StartNew();

        // Far inside the 60 s grace: the redial meets the new incarnation, which settles it at once.
        await WaitUntilAsync(() => Faults.StateOf(old) == FaultState.PermFail);
        output.WriteLine($"PermFail {clock.ElapsedMilliseconds} ms after the restart");
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => old.Add(1, 1)).State);
        var fresh = await Calculator.TakeAsync(site, second.Ticket);
        Assert.Equal(5, fresh.Add(2, 3));
    }

    [Fact]
    public async Task Async_calls_made_while_the_connection_is_down_are_held_and_delivered_in_order_after_it_returns()
    {
        var port = FreePort();
        await using var relay = await FaultRelay.StartAsync($"127.0.0.1:{port}");
        var ticketFile = TicketFile.NewPath();
        await using var home = ChildProcess.Start("Tessera.TestHost", "serve-async", ticketFile, "--listen", $"127.0.0.1:{port}", "--advertise", relay.ListenAddress);
        var ticket = await TicketFile.WaitAsync(ticketFile, home, Deadline);
        await using var site = await Site.StartAsync(new SiteOptions { Faults = Fast with { PermFailGrace = TimeSpan.FromSeconds(30) }, DefaultCallTimeout = TimeSpan.FromSeconds(30) });
        var worker = await CancellableWorker.TakeAsync(site, ticket);
        Assert.Equal(1, await worker.Record(0));

        relay.RefuseNew(true);
        relay.CutAll();
        await WaitUntilAsync(() => Faults.StateOf(worker) == FaultState.TempFail);
        var held = Enumerable.Range(1, 200).Select(worker.Record).ToArray();
        await Task.Delay(300);
        Assert.DoesNotContain(held, reply => reply.IsBound);
        relay.RefuseNew(false);

        for (var i = 0; i < held.Length; i++) Assert.Equal(i + 2, await held[i].AsTask().WaitAsync(Deadline));
        Assert.Equal(0, await worker.OutOfOrder());
        Assert.Equal(FaultState.Ok, Faults.StateOf(worker));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<string> ReadLineAsync(ChildProcess process)
        => await process.StandardOutput.ReadLineAsync().WaitAsync(Deadline) ?? throw new InvalidOperationException($"process {process.Id} closed its output");

    private static async Task<List<string>> ReadToExitAsync(ChildProcess process)
    {
        var lines = new List<string>();
        while (await process.StandardOutput.ReadLineAsync().WaitAsync(Deadline) is { } line) lines.Add(line);
        return lines;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!condition()) await Task.Delay(10, deadline.Token);
    }
}
