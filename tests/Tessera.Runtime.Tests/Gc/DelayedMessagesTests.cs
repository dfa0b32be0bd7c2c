using Tessera.Runtime.Tests.Sites;
using Xunit;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>
/// The seeded simulation: three sites on an in-memory network whose every delivery waits a seeded,
/// random while, so weight returns overtake the references they were split from. A reference that is
/// only in flight must never be freed: every use succeeds, and at the end the home exports nothing.
/// </summary>
public sealed class DelayedMessagesTests
{
    private const int Seeds = 1000;
    private const int Slots = 4;

    [Fact]
    public Task A_reference_only_in_flight_is_never_freed_over_a_thousand_seeds() => SeededRuns.AssertAllPassAsync(Seeds, RunSeedAsync);

    /// <returns>Null, or what went wrong with this seed.</returns>
    private static async Task<string?> RunSeedAsync(int seed)
    {
        var random = new Random(seed);
        var script = new Random(seed ^ 0x5EED);
        await using var harness = new SiteHarness();
        harness.Network.DeliveryDelay = () => Delay(random);
        var echoes = Enumerable.Range(0, Slots).Select(_ => new Echo()).ToArray();
        try
        {
            var home = await GcSites.StartAsync(harness);
            var b = await GcSites.StartAsync(harness);
            var c = await GcSites.StartAsync(harness);
            var atB = await Relay.TakeAsync(home, new Relay().Offer(b));
            var atC = await Relay.TakeAsync(home, new Relay().Offer(c));
            // One connection between B and C first: two sites dialing each other at once under these delays
            // can both time out in the handshake, a connection-table race this simulation is not about.
            await atB.HoldAsync(Slots, new Echo());
            await atB.PassAsync(Slots, atC);
            await atC.DropAsync(Slots);
            // Every slot starts at B, then hops between B and C, each hop dropping the sender's proxy at once.
            await Task.WhenAll(Enumerable.Range(0, Slots).Select(slot => atB.HoldAsync(slot, echoes[slot])));
            var hops = Enumerable.Range(0, Slots).Select(slot => HopAsync(slot, 2 + script.Next(4), atB, atC)).ToArray();
            await Task.WhenAll(hops);
            await Task.WhenAll(Enumerable.Range(0, Slots).Select(slot => (hops[slot].Result ? atC : atB).DropAsync(slot)));
            await Poll.UntilAsync(() => home.ExportedCount == 0);
            return echoes.All(e => e.Pings() > 0) ? null : $"seed {seed}: an object was never called";
        }
        catch (Exception ex)
        {
            return $"seed {seed}: {ex}";
        }
    }

    /// <returns>True if the slot ended at C.</returns>
    private static async Task<bool> HopAsync(int slot, int hops, Relay atB, Relay atC)
    {
        var atCNow = false;
        for (var i = 0; i < hops; i++)
        {
            var (from, to) = atCNow ? (atC, atB) : (atB, atC);
            await from.PassAsync(slot, to);
            atCNow = !atCNow;
            await to.UseAsync(slot);
        }
        return atCNow;
    }

    /// <summary>A seeded wait before a delivery: mostly a few yields, now and then a millisecond.</summary>
    internal static async ValueTask Delay(Random random)
    {
        int wait;
        lock (random) wait = random.Next(100);
        if (wait >= 95) await Task.Delay(1);
        else for (var i = 0; i < wait % 8; i++) await Task.Yield();
    }
}
