using System.Diagnostics;
using Tessera.TestHost;
using Xunit;

namespace Tessera.IntegrationTests;

/// <summary>What callers see when the home process dies: failures within the deadline, never a hang.</summary>
public sealed class HomeFailureTests
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_pending_call_fails_soon_after_the_home_process_is_killed()
    {
        await using var server = await CalculatorServer.StartAsync();
        await using var site = await Site.StartAsync(new SiteOptions { DefaultCallTimeout = CallDeadline });
        var calculator = await Calculator.TakeAsync(site, server.Ticket);
        Assert.Equal(2, calculator.Add(1, 1));

        var pending = calculator.DelayAsync(60_000, CancellationToken.None);
        await Task.Delay(200);
        Assert.False(pending.IsCompleted);
        var clock = Stopwatch.StartNew();
        server.Process.Kill();

        var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => pending.WaitAsync(CallDeadline + TimeSpan.FromSeconds(5)));

        Assert.True(clock.Elapsed < CallDeadline, $"The call failed after {clock.Elapsed}, not before its deadline of {CallDeadline}.");
        Assert.Contains("closed", error.Message);
    }

    [Fact]
    public async Task A_call_after_the_home_process_died_fails_with_the_entitys_fault_within_its_deadline()
    {
        await using var server = await CalculatorServer.StartAsync();
        await using var site = await Site.StartAsync(new SiteOptions { DefaultCallTimeout = CallDeadline });
        var calculator = await Calculator.TakeAsync(site, server.Ticket);
        Assert.Equal(2, calculator.Add(1, 1));
        server.Process.Kill();
        await WaitUntilAsync(() => site.ConnectionCount == 0, TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();

        // The broken connection makes the home TempFail at once (PermFail after the grace period); either way the call is refused.
        var refused = await Assert.ThrowsAsync<EntityFaultException>(() => Task.Run(() => calculator.Add(1, 1)).WaitAsync(CallDeadline + TimeSpan.FromSeconds(5)));
        Assert.NotEqual(FaultState.Ok, refused.State);

        Assert.True(clock.Elapsed < CallDeadline, $"The call failed after {clock.Elapsed}.");
    }

    [Fact]
    public async Task Taking_a_ticket_of_a_dead_site_fails_as_unreachable()
    {
        string ticket;
        await using (var server = await CalculatorServer.StartAsync())
        {
            ticket = server.Ticket;
            server.Process.Kill();
        }
        await using var site = await Site.StartAsync();

        var error = await Assert.ThrowsAsync<SiteUnreachableException>(() => Calculator.TakeAsync(site, ticket).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("unreachable", error.Message);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (!condition()) await Task.Delay(20, cancellation.Token);
    }
}
