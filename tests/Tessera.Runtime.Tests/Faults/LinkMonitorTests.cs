using Microsoft.Extensions.Time.Testing;
using Tessera.FailureDetection;
using Xunit;

namespace Tessera.Runtime.Tests.FaultHandling;

public sealed class LinkMonitorTests
{
    private static readonly FaultOptions Options = new() { HeartbeatInterval = TimeSpan.FromSeconds(1), MinimumSilenceSlack = TimeSpan.FromMilliseconds(500) };

    [Fact]
    public void The_round_trip_bound_is_Mozarts_average_plus_the_larger_of_deviation_and_average()
    {
        var rtt = new RttEstimator();
        Assert.Equal(TimeSpan.Zero, rtt.Bound);

        rtt.Add(TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.FromMilliseconds(200), rtt.Bound);

        for (var i = 0; i < 200; i++) rtt.Add(TimeSpan.FromMilliseconds(i % 2 == 0 ? 100 : 900));
        Assert.InRange(rtt.Average.TotalMilliseconds, 400, 600);
        Assert.True(rtt.Bound > rtt.Average * 1.9, $"a jittery link's bound {rtt.Bound} should be at least twice its average {rtt.Average}");
    }

    [Fact]
    public void A_link_is_silent_past_one_interval_plus_the_slack_and_recovers_on_the_next_frame()
    {
        var time = new FakeTimeProvider();
        var link = new LinkMonitor(time);

        time.Advance(TimeSpan.FromMilliseconds(1400));
        Assert.False(link.TryDeclareSilent(Options));
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(link.TryDeclareSilent(Options));
        Assert.False(link.TryDeclareSilent(Options));
        Assert.True(link.IsSilent);

        Assert.True(link.OnReceived());
        Assert.False(link.OnReceived());
        Assert.False(link.IsSilent);
    }

    [Fact]
    public void A_slow_link_earns_a_longer_bound_than_the_minimum()
    {
        var time = new FakeTimeProvider();
        var link = new LinkMonitor(time);
        link.Rtt.Add(TimeSpan.FromMilliseconds(800));

        Assert.Equal(TimeSpan.FromMilliseconds(2600), link.SilenceBound(Options));
        time.Advance(TimeSpan.FromMilliseconds(2000));
        Assert.False(link.TryDeclareSilent(Options));
    }

    [Fact]
    public void Only_a_link_idle_for_the_interval_owes_a_heartbeat()
    {
        var time = new FakeTimeProvider();
        var link = new LinkMonitor(time);
        time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.False(link.IsIdle(Options.HeartbeatInterval));
        link.OnSent();
        time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.False(link.IsIdle(Options.HeartbeatInterval));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(link.IsIdle(Options.HeartbeatInterval));
    }
}
