using Tessera.TestHost;
using Tessera.Wire;
using Xunit;

namespace Tessera.IntegrationTests;

/// <summary>Calls from this process to a Calculator in another OS process, over real TCP.</summary>
public sealed class StationaryOverTcpTests : IClassFixture<CalculatorServerFixture>, IAsyncLifetime
{
    private readonly CalculatorServerFixture _server;
    private Site _site = null!;

    public StationaryOverTcpTests(CalculatorServerFixture server) => _server = server;

    public async Task InitializeAsync() => _site = await Site.StartAsync(new SiteOptions { DefaultCallTimeout = TimeSpan.FromSeconds(20) });

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task Calls_run_in_the_home_process()
    {
        var calculator = await Calculator.TakeAsync(_site, _server.Ticket);

        Assert.NotEqual(Environment.ProcessId, calculator.ProcessId());
        Assert.Equal(_server.ProcessId, calculator.ProcessId());
        Assert.Equal(5, calculator.Add(2, 3));
    }

    [Fact]
    public async Task A_remote_exception_arrives_typed_with_the_remote_message_and_stack()
    {
        var calculator = await Calculator.TakeAsync(_site, _server.Ticket);

        var error = Assert.Throws<RemoteException>(() => calculator.Divide(7, 0));

        Assert.Equal(typeof(DivideByZeroException).FullName, error.RemoteTypeName);
        Assert.Equal("cannot divide 7 by zero", error.RemoteMessage);
        Assert.Contains("Calculator.Divide", error.RemoteStackTrace);
        Assert.Contains("cannot divide 7 by zero", error.Message);
        Assert.Equal(2, calculator.Divide(4, 2));
    }

    [Fact]
    public async Task A_synchronous_call_is_exactly_two_messages_once_connected()
    {
        var calculator = await Calculator.TakeAsync(_site, _server.Ticket);
        calculator.Add(0, 0);
        var sentBefore = _site.Counters.TotalSent;
        var receivedBefore = _site.Counters.TotalReceived;
        var callsBefore = _site.Counters.Sent(MessageKind.Call);
        var repliesBefore = _site.Counters.Received(MessageKind.Reply);

        const int calls = 25;
        for (var i = 0; i < calls; i++) Assert.Equal(i + 1, calculator.Add(i, 1));

        Assert.Equal(calls, _site.Counters.TotalSent - sentBefore);
        Assert.Equal(calls, _site.Counters.TotalReceived - receivedBefore);
        Assert.Equal(calls, _site.Counters.Sent(MessageKind.Call) - callsBefore);
        Assert.Equal(calls, _site.Counters.Received(MessageKind.Reply) - repliesBefore);
        Assert.Equal(1, _site.ConnectionCount);
    }

    [Fact]
    public async Task A_returned_stationary_object_arrives_as_one_proxy_and_comes_home_as_itself()
    {
        var calculator = await Calculator.TakeAsync(_site, _server.Ticket);

        var counter = calculator.CreateCounter("remote");
        Assert.Equal(3, calculator.Bump(counter, 3));
        counter.Increment();

        Assert.Equal("remote", counter.Name());
        Assert.Equal(4, counter.Value());
        Assert.Same(counter, calculator.Echo(counter));
    }

    [Fact]
    public async Task A_local_object_passed_as_an_argument_is_called_back_here_and_returns_as_the_original()
    {
        var calculator = await Calculator.TakeAsync(_site, _server.Ticket);
        var local = new Counter("local");

        Assert.Equal(5, calculator.Bump(local, 5));

        Assert.Equal(5, local.Value());
        Assert.Same(local, calculator.Echo(local));
    }

    [Fact]
    public async Task Taking_the_same_ticket_twice_gives_the_same_proxy_instance()
    {
        var first = await Calculator.TakeAsync(_site, _server.Ticket);
        var second = await Calculator.TakeAsync(_site, _server.Ticket);

        Assert.Same(first, second);
    }

    [Fact]
    public async Task Many_threads_calling_synchronously_at_once_all_get_their_answers_over_one_connection()
    {
        var calculator = await Calculator.TakeAsync(_site, _server.Ticket);
        var results = new int[64];
        var threads = Enumerable.Range(0, results.Length).Select(i => new Thread(() => results[i] = calculator.Add(i, i)) { IsBackground = true }).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(30))));

        Assert.Equal(Enumerable.Range(0, 64).Select(i => 2 * i), results);
        Assert.Equal(1, _site.ConnectionCount);
    }

    [Fact]
    public async Task Many_concurrent_async_callers_all_get_their_answers_over_one_connection()
    {
        var calculator = await Calculator.TakeAsync(_site, _server.Ticket);

        var results = await Task.WhenAll(Enumerable.Range(0, 256).Select(i => calculator.DelayAsync(i % 3, CancellationToken.None)));

        Assert.Equal(Enumerable.Range(0, 256).Select(i => i % 3), results);
        Assert.Equal(1, _site.ConnectionCount);
    }

    [Fact]
    public async Task Cancelling_a_call_ends_it_at_once()
    {
        var calculator = await Calculator.TakeAsync(_site, _server.Ticket);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calculator.DelayAsync(30_000, cancellation.Token));
        Assert.Equal(7, calculator.Add(3, 4));
    }
}
