using System.Diagnostics;
using System.Net.Sockets;
using Xunit;

namespace Tessera.FaultInjection.Tests;

/// <summary>Blackhole, restore, delay, cut and refuse, as seen by the two ends of a relayed connection.</summary>
public sealed class FaultCommandTests
{
    [Fact]
    public async Task A_blackhole_holds_bytes_both_ways_and_restore_delivers_them_in_order()
    {
        await using var fixture = await RelayFixture.StartAsync(new FaultRelayOptions { BufferBytesPerDirection = 64 * 1024 });
        var (client, server) = await fixture.ConnectPairAsync();
        // A fixed send buffer turns off autotuning, so that what the relay holds back shows as a send that cannot finish.
        client.SendBufferSize = 64 * 1024;
        var counters = fixture.Relay.Counters;
        var forwardedBefore = (counters.BytesToUpstream, counters.BytesToClient);
        var upstreamBound = Wire.Pattern(16 * 1024 * 1024, 20);
        var clientBound = Wire.Pattern(100_000, 21);

        fixture.Relay.Blackhole();
        var sendingUp = Wire.SendAsync(client, upstreamBound);
        var sendingDown = Wire.SendAsync(server, clientBound);
        await Task.WhenAll(Wire.ExpectQuietAsync(server), Wire.ExpectQuietAsync(client));

        Assert.False(sendingUp.IsCompleted, "16 MiB went into the blackhole without backpressure.");
        Assert.Equal(forwardedBefore, (counters.BytesToUpstream, counters.BytesToClient));

        fixture.Relay.Restore();
        var atServer = Wire.ReceiveExactlyAsync(server, upstreamBound.Length);
        var atClient = Wire.ReceiveExactlyAsync(client, clientBound.Length);
        Assert.True((await atServer).AsSpan().SequenceEqual(upstreamBound));
        Assert.True((await atClient).AsSpan().SequenceEqual(clientBound));
        await Task.WhenAll(sendingUp, sendingDown);
    }

    [Fact]
    public async Task A_blackhole_holds_an_orderly_close_until_restore()
    {
        await ExpectHeldUntilRestoreAsync(client => client.Shutdown(SocketShutdown.Send), Wire.ExpectEndAsync);
    }

    [Fact]
    public async Task A_blackhole_holds_a_reset_until_restore()
    {
        await ExpectHeldUntilRestoreAsync(
            client =>
            {
                client.LingerState = new LingerOption(true, 0);
                client.Close();
            },
            Wire.ExpectResetAsync);
    }

    [Fact]
    public async Task A_blackhole_keeps_new_connections_from_the_upstream_until_restore()
    {
        await using var fixture = await RelayFixture.StartAsync();

        fixture.Relay.Blackhole();
        var client = await fixture.ConnectClientAsync();
        var hello = Wire.Pattern(100, 23);
        await Wire.SendAsync(client, hello);
        await fixture.ExpectNoUpstreamConnectionAsync();

        fixture.Relay.Restore();
        var server = await fixture.AcceptUpstreamAsync();
        Assert.Equal(hello, await Wire.ReceiveExactlyAsync(server, hello.Length));
        await Wire.RoundTripAsync(client, server);
    }

    [Fact]
    public async Task A_delay_adds_at_least_the_latency_each_way_and_keeps_order()
    {
        var latency = TimeSpan.FromMilliseconds(150);
        await using var fixture = await RelayFixture.StartAsync();
        var (client, server) = await fixture.ConnectPairAsync();
        var messages = Enumerable.Range(0, 5).Select(i => Wire.Pattern(100, 30 + i)).ToArray();

        fixture.Relay.Delay(latency);
        var clock = Stopwatch.StartNew();
        foreach (var message in messages) await Wire.SendAsync(client, message);
        var atServer = await Wire.ReceiveExactlyAsync(server, 500);
        var upstreamTrip = clock.Elapsed;
        clock.Restart();
        await Wire.SendAsync(server, messages[0]);
        var atClient = await Wire.ReceiveExactlyAsync(client, 100);
        var clientTrip = clock.Elapsed;

        Assert.Equal(messages.SelectMany(message => message).ToArray(), atServer);
        Assert.Equal(messages[0], atClient);
        Assert.True(upstreamTrip >= latency, $"Client to upstream took {upstreamTrip}, less than {latency}.");
        Assert.True(clientTrip >= latency, $"Upstream to client took {clientTrip}, less than {latency}.");
    }

    [Fact]
    public async Task Cutting_resets_both_ends_and_later_connections_still_work()
    {
        await using var fixture = await RelayFixture.StartAsync();
        var (client, server) = await fixture.ConnectPairAsync();

        fixture.Relay.CutAll();

        await Wire.ExpectResetAsync(client);
        await Wire.ExpectResetAsync(server);
        await Wire.WaitUntilAsync(() => fixture.Relay.ActiveConnections == 0, "the cut connection leaves the relay");
        await fixture.ConnectPairAsync();
        Assert.Equal(2, fixture.Relay.Counters.ConnectionsAccepted);
    }

    [Fact]
    public async Task Refusing_resets_new_connections_until_it_is_switched_off()
    {
        await using var fixture = await RelayFixture.StartAsync();

        fixture.Relay.RefuseNew(true);
        await Wire.ExpectResetOnArrivalAsync(fixture.Relay.ListenAddress);
        await fixture.ExpectNoUpstreamConnectionAsync();
        Assert.Equal(1, fixture.Relay.Counters.ConnectionsRefused);
        Assert.Equal(0, fixture.Relay.Counters.ConnectionsAccepted);

        fixture.Relay.RefuseNew(false);
        await fixture.ConnectPairAsync();
        Assert.Equal(1, fixture.Relay.Counters.ConnectionsAccepted);
    }

    /// <summary>The client ends its side during a blackhole; the upstream sees nothing until restore, then <paramref name="expectAtServer"/>.</summary>
    private static async Task ExpectHeldUntilRestoreAsync(Action<Socket> endClient, Func<Socket, Task> expectAtServer)
    {
        await using var fixture = await RelayFixture.StartAsync();
        var (client, server) = await fixture.ConnectPairAsync();

        fixture.Relay.Blackhole();
        endClient(client);
        await Wire.ExpectQuietAsync(server);

        fixture.Relay.Restore();
        await expectAtServer(server);
    }
}
