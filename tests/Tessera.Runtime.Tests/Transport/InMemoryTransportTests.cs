using Tessera.Transport;
using Tessera.Transport.InMemory;
using Xunit;

namespace Tessera.Runtime.Tests.Transport;

public sealed class InMemoryTransportTests : TransportContractTests
{
    private readonly InMemoryNetwork _network = new();

    protected override string AnyListenAddress => "mem:0";

    protected override ITransport CreateTransportCore(TransportOptions? options) => _network.CreateTransport(options);

    [Fact]
    public async Task Listening_on_mem_0_assigns_names_in_order_around_taken_ones()
    {
        await CreateTransport().ListenAsync("mem:2", _ => { }, default);

        Assert.Equal("mem:1", (await ListenAsync()).Address);
        Assert.Equal("mem:3", (await ListenAsync()).Address);
    }

    [Fact]
    public async Task Listening_on_a_taken_or_foreign_address_fails()
    {
        await CreateTransport().ListenAsync("mem:alpha", _ => { }, default);

        await Assert.ThrowsAsync<InvalidOperationException>(() => CreateTransport().ListenAsync("mem:alpha", _ => { }, default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => CreateTransport().ListenAsync("127.0.0.1:0", _ => { }, default).AsTask());
    }

    [Fact]
    public async Task Dialing_an_unknown_address_fails_with_a_connect_exception()
    {
        var ex = await Assert.ThrowsAsync<TransportConnectException>(() => CreateTransport().ConnectAsync("mem:nobody", default).AsTask());

        Assert.Equal("mem:nobody", ex.Address);
        Assert.Equal("Could not connect to mem:nobody: nothing is listening there.", ex.Message);
    }

    [Fact]
    public async Task The_sender_may_reuse_its_buffer_once_the_send_returns()
    {
        var listener = await ListenAsync();
        var pair = await ConnectAsync(listener);
        var body = new byte[] { 1, 2, 3 };

        var frame = OutboundFrame.Copy(body);
        await pair.Client.SendAsync(frame, default).AsTask().WaitAsync(TestTimeouts.Default);
        body[0] = 99;

        Assert.Equal(new byte[] { 1, 2, 3 }, await pair.ServerSink.NextAsync());
    }

    [Fact]
    public async Task Killing_a_transport_closes_both_ends_and_frees_its_address()
    {
        var listener = await ListenAsync();
        var pair = await ConnectAsync(listener);

        Assert.True(_network.KillTransport(listener.Address));

        Assert.IsType<ConnectionClosedException>(await pair.ServerSink.Closed.WaitAsync(TestTimeouts.Default));
        Assert.Null(await pair.ClientSink.Closed.WaitAsync(TestTimeouts.Default));
        await Assert.ThrowsAsync<TransportConnectException>(() => CreateTransport().ConnectAsync(listener.Address, default).AsTask());
        Assert.False(_network.KillTransport(listener.Address));

        var restarted = CreateTransport();
        Assert.Equal(listener.Address, await restarted.ListenAsync(listener.Address, _ => { }, default));
        await CreateTransport().ConnectAsync(listener.Address, default).AsTask().WaitAsync(TestTimeouts.Default);
    }
}
