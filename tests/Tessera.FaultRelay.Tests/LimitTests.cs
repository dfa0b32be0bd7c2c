using System.Diagnostics;
using Xunit;

namespace Tessera.FaultInjection.Tests;

/// <summary>The relay's bounds: connections at once, bytes over its life, its lifetime, and how long disposal takes.</summary>
public sealed class LimitTests
{
    [Fact]
    public async Task Connections_beyond_the_limit_are_refused_until_one_ends()
    {
        await using var fixture = await RelayFixture.StartAsync(new FaultRelayOptions { MaxConnections = 2 });
        var first = await fixture.ConnectPairAsync();
        await fixture.ConnectPairAsync();

        await Wire.ExpectResetOnArrivalAsync(fixture.Relay.ListenAddress);
        Assert.Equal(1, fixture.Relay.Counters.ConnectionsRefused);

        first.Client.Dispose();
        first.Server.Dispose();
        await Wire.WaitUntilAsync(() => fixture.Relay.ActiveConnections == 1, "the closed connection leaves the relay");
        await fixture.ConnectPairAsync();
        Assert.Equal(3, fixture.Relay.Counters.ConnectionsAccepted);
    }

    [Fact]
    public async Task The_relay_stops_when_its_traffic_budget_is_spent()
    {
        const int budget = 1000;
        await using var fixture = await RelayFixture.StartAsync(new FaultRelayOptions { MaxBytesForwarded = budget });
        var (client, server) = await fixture.ConnectPairAsync();
        var fits = Wire.Pattern(600, 40);
        await Wire.SendAsync(client, fits);
        Assert.Equal(fits, await Wire.ReceiveExactlyAsync(server, fits.Length));

        await Wire.SendAsync(client, Wire.Pattern(600, 41));

        await fixture.Relay.Completion.WaitAsync(Wire.Deadline);
        await Wire.ExpectResetAsync(client);
        await Wire.ExpectResetAsync(server);
        var counters = fixture.Relay.Counters;
        Assert.InRange(counters.BytesToUpstream + counters.BytesToClient, 128 + fits.Length, budget);
        await Wire.ExpectConnectionRefusedAsync(fixture.Relay.ListenAddress);
    }

    [Fact]
    public async Task The_relay_stops_at_the_end_of_its_lifetime()
    {
        await using var fixture = await RelayFixture.StartAsync(new FaultRelayOptions { Lifetime = TimeSpan.FromSeconds(1) });
        var (client, server) = await fixture.ConnectPairAsync();

        await fixture.Relay.Completion.WaitAsync(Wire.Deadline);

        await Wire.ExpectResetAsync(client);
        await Wire.ExpectResetAsync(server);
        Assert.Equal(0, fixture.Relay.ActiveConnections);
        await Wire.ExpectConnectionRefusedAsync(fixture.Relay.ListenAddress);
    }

    [Fact]
    public async Task Disposing_resets_every_connection_within_the_bound_even_during_a_blackhole()
    {
        var options = new FaultRelayOptions { DisposeTimeout = TimeSpan.FromSeconds(3) };
        var fixture = await RelayFixture.StartAsync(options);
        try
        {
            var (client, server) = await fixture.ConnectPairAsync();
            fixture.Relay.Blackhole();
            await Wire.SendAsync(client, Wire.Pattern(10_000, 42));
            await Wire.SendAsync(server, Wire.Pattern(10_000, 43));
            var waiting = await fixture.ConnectClientAsync();
            await Wire.WaitUntilAsync(() => fixture.Relay.ActiveConnections == 2, "the relay holds the new connection");

            var clock = Stopwatch.StartNew();
            await fixture.Relay.DisposeAsync();

            Assert.True(clock.Elapsed < options.DisposeTimeout, $"Disposal took {clock.Elapsed}: it waited out its bound instead of closing.");
            Assert.Equal(0, fixture.Relay.ActiveConnections);
            await Wire.ExpectResetAsync(client);
            await Wire.ExpectResetAsync(server);
            await Wire.ExpectResetAsync(waiting);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }
}
