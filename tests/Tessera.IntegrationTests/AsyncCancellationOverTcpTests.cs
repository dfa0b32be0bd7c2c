using Tessera.TestHost;
using Tessera.Wire;
using Xunit;

namespace Tessera.IntegrationTests;

/// <summary>Cancelling an [Async] call whose home is another OS process, over real TCP.</summary>
public sealed class AsyncCancellationOverTcpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Cancelling_the_callers_token_fails_the_variable_and_cancels_the_method_in_the_home_process()
    {
        var ticketFile = TicketFile.NewPath();
        await using var home = ChildProcess.Start("Tessera.TestHost", "serve-async", ticketFile);
        var ticket = await TicketFile.WaitAsync(ticketFile, home, Timeout);
        await using var site = await Site.StartAsync(new SiteOptions { DefaultCallTimeout = TimeSpan.FromSeconds(30) });
        var worker = await CancellableWorker.TakeAsync(site, ticket);
        using var cancel = new CancellationTokenSource();
        var waiting = worker.WaitForCancelAsync(cancel.Token);

        cancel.Cancel();

        Assert.True(waiting.IsFaulted);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting.AsTask().WaitAsync(Timeout));
        // The object runs one call at a time, so this answers only after the cancelled method has ended at home.
        Assert.Equal(1, await worker.Cancelled().AsTask().WaitAsync(Timeout));
        Assert.Equal(1, site.Counters.Sent(MessageKind.AsyncCancel));
    }
}
