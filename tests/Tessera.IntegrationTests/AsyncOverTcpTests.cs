using Tessera.Samples.Coder;
using Tessera.Wire;
using Xunit;

namespace Tessera.IntegrationTests;

/// <summary>The [Async] Coder in another OS process (<c>Coder offer --mode async</c>), called over real TCP.</summary>
public sealed class AsyncOverTcpTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private ChildProcess _offer = null!;
    private string _ticket = "";
    private Site _site = null!;

    public async Task InitializeAsync()
    {
        var ticketFile = TicketFile.NewPath();
        _offer = ChildProcess.Start("Coder", "offer", "--mode", "async", "--ticket-file", ticketFile);
        _ticket = await TicketFile.WaitAsync(ticketFile, _offer, Timeout);
        _site = await Site.StartAsync(new SiteOptions { DefaultCallTimeout = TimeSpan.FromSeconds(30) });
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        await _offer.DisposeAsync();
    }

    [Fact]
    public async Task The_seed_example_X1_X2_X3_issued_without_waiting_sum_to_the_local_sum()
    {
        var local = AsyncCoder.Create(100);
        int expected = local.Get() + local.Get() + local.Get();
        var coder = await AsyncCoder.TakeAsync(_site, _ticket);

        var x1 = coder.Get();
        var x2 = coder.Get();
        var x3 = coder.Get();
        int x = x1 + x2 + x3;

        Assert.Equal(expected, x);
        Assert.Equal(100 + 347 + 22, x);
    }

    [Fact]
    public async Task Ten_thousand_calls_fired_first_return_the_local_sequence_in_order_at_one_plus_one_messages_each()
    {
        var local = AsyncCoder.Create(100);
        var coder = await AsyncCoder.TakeAsync(_site, _ticket);
        var (sent, received) = (_site.Counters.TotalSent, _site.Counters.TotalReceived);

        var values = Enumerable.Range(0, 10_000).Select(_ => coder.Get()).ToList();

        foreach (var value in values) Assert.Equal(local.Get().Value, await value.AsTask().WaitAsync(Timeout));
        Assert.Equal(10_000, _site.Counters.TotalSent - sent);
        Assert.Equal(10_000, _site.Counters.TotalReceived - received);
        Assert.Equal(10_000, _site.Counters.Sent(MessageKind.AsyncCall));
        Assert.Equal(10_000, _site.Counters.Received(MessageKind.AsyncReply));
    }

    [Fact]
    public async Task Killing_the_home_process_ends_every_reply_variable_with_a_value_or_the_connection_loss()
    {
        var coder = await AsyncCoder.TakeAsync(_site, _ticket);
        await coder.Get();

        var values = Enumerable.Range(0, 2_000).Select(_ => coder.Get()).ToList();
        _offer.Kill();
        var after = coder.Get();

        foreach (var value in values)
        {
            try
            {
                await value.AsTask().WaitAsync(Timeout);
            }
            catch (ConnectionClosedException)
            {
            }
        }
        await Assert.ThrowsAnyAsync<TesseraException>(() => after.AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task Take_in_async_mode_prints_each_value_then_the_sum_and_the_message_counts()
    {
        var local = AsyncCoder.Create(100);
        var expected = Enumerable.Range(0, 5).Select(_ => local.Get().Value).ToArray();

        var (exitCode, output, error) = await ChildProcess.RunAsync(Timeout, "Coder", "take", _ticket, "--mode", "async", "--count", "5");

        Assert.True(exitCode == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(expected.Select(v => v.ToString()), lines[..5]);
        Assert.Equal($"sum={expected.Sum()}", lines[5]);
        Assert.Equal("messages sent=6 received=6", lines[6]);
    }
}
