using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Tessera.FaultInjection.Tests;

/// <summary>With no fault in force the relay is a transparent loopback TCP pipe.</summary>
public sealed class ForwardingTests
{
    [Fact]
    public async Task Bytes_pass_both_ways_exactly_and_are_counted()
    {
        await using var fixture = await RelayFixture.StartAsync();
        var (client, server) = await fixture.ConnectPairAsync();
        var upstreamBound = Wire.Pattern(300_000, 10);
        var clientBound = Wire.Pattern(200_000, 11);

        var sending = Task.WhenAll(Wire.SendAsync(client, upstreamBound), Wire.SendAsync(server, clientBound));
        var atServer = Wire.ReceiveExactlyAsync(server, upstreamBound.Length);
        var atClient = Wire.ReceiveExactlyAsync(client, clientBound.Length);
        await sending;

        Assert.True((await atServer).AsSpan().SequenceEqual(upstreamBound));
        Assert.True((await atClient).AsSpan().SequenceEqual(clientBound));
        // The fixture's round trip sent 64 bytes each way first.
        Assert.Equal(64 + upstreamBound.Length, fixture.Relay.Counters.BytesToUpstream);
        Assert.Equal(64 + clientBound.Length, fixture.Relay.Counters.BytesToClient);
        Assert.Equal(1, fixture.Relay.Counters.ConnectionsAccepted);
        Assert.Equal(1, fixture.Relay.ActiveConnections);
    }

    [Fact]
    public async Task An_orderly_close_passes_through_each_way_and_then_the_connection_ends()
    {
        await using var fixture = await RelayFixture.StartAsync();
        var (client, server) = await fixture.ConnectPairAsync();

        client.Shutdown(SocketShutdown.Send);
        await Wire.ExpectEndAsync(server);
        // Half-closed: the other direction still carries bytes.
        var reply = Wire.Pattern(1000, 12);
        await Wire.SendAsync(server, reply);
        Assert.Equal(reply, await Wire.ReceiveExactlyAsync(client, reply.Length));
        server.Shutdown(SocketShutdown.Send);
        await Wire.ExpectEndAsync(client);

        await Wire.WaitUntilAsync(() => fixture.Relay.ActiveConnections == 0, "the closed connection leaves the relay");
    }

    [Fact]
    public async Task A_client_is_reset_when_the_upstream_refuses()
    {
        string closedPort;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            closedPort = probe.LocalEndPoint!.ToString()!;
        }
        await using var relay = await FaultRelay.StartAsync(closedPort);
        await Wire.ExpectResetOnArrivalAsync(relay.ListenAddress);

        Assert.Equal(1, relay.Counters.ConnectionsAccepted);
        await Wire.WaitUntilAsync(() => relay.ActiveConnections == 0, "the failed connection leaves the relay");
    }

    [Fact]
    public async Task The_relay_listens_on_127_0_0_1_and_accepts_localhost_as_upstream()
    {
        await using var relay = await FaultRelay.StartAsync("localhost:5000");

        Assert.StartsWith("127.0.0.1:", relay.ListenAddress);
        Assert.NotEqual(0, IPEndPoint.Parse(relay.ListenAddress).Port);
        Assert.Equal("127.0.0.1:5000", relay.UpstreamAddress);
    }

    [Theory]
    [InlineData("10.1.2.3:80")]
    [InlineData("example.com:80")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    public async Task Only_a_loopback_host_and_port_is_accepted_as_upstream(string upstream)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => FaultRelay.StartAsync(upstream));
    }

    [Fact]
    public async Task Options_and_delays_out_of_range_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FaultRelay.StartAsync("127.0.0.1:5000", new FaultRelayOptions { MaxConnections = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FaultRelay.StartAsync("127.0.0.1:5000", new FaultRelayOptions { Lifetime = TimeSpan.FromDays(1) }));
        await using var relay = await FaultRelay.StartAsync("127.0.0.1:5000", new FaultRelayOptions { Lifetime = TimeSpan.FromMinutes(1) });

        Assert.Throws<ArgumentOutOfRangeException>(() => relay.Delay(TimeSpan.FromMilliseconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => relay.Delay(TimeSpan.FromMinutes(2)));
    }
}
