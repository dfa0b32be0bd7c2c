using Tessera.Runtime.Tests.Sites;
using Xunit;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>
/// The seeded simulation for dataflow variables: a manager and two holders on an in-memory network whose every
/// delivery waits a seeded, random while, and a collector running all along. Unbound variables hop between the
/// holders in answers, each holder dropping its copy as it answers, so a collected proxy's weight often reaches
/// the manager before the copy it was split from reaches the next holder. The manager must never forget a
/// variable a copy in flight refers to: the last holder binds every variable through the manager, and at the end
/// the manager's table is empty.
/// </summary>
[Collection(ForcedCollectionCollection.Name)]
public sealed class DelayedVariablesTests
{
    private const int Seeds = 200;
    private const int Slots = 4;

    [Fact]
    public async Task A_variable_only_in_flight_is_never_forgotten_over_two_hundred_seeds()
    {
        using var collecting = new CancellationTokenSource();
        var collector = Task.Run(async () =>
        {
            while (!collecting.IsCancellationRequested)
            {
                Collect.Garbage();
                await Task.Delay(1);
            }
        });
        try
        {
            await SeededRuns.AssertAllPassAsync(Seeds, RunSeedAsync);
        }
        finally
        {
            await collecting.CancelAsync();
            await collector;
        }
    }

    /// <returns>Null, or what went wrong with this seed.</returns>
    private static async Task<string?> RunSeedAsync(int seed)
    {
        var random = new Random(seed);
        var script = new Random(seed ^ 0x5EED);
        await using var harness = new SiteHarness();
        harness.Network.DeliveryDelay = () => DelayedMessagesTests.Delay(random);
        try
        {
            var manager = await GcSites.StartAsync(harness);
            var b = await GcSites.StartAsync(harness);
            var c = await GcSites.StartAsync(harness);
            var atB = await VariableRelay.TakeAsync(manager, new VariableRelay().Offer(b));
            var atC = await VariableRelay.TakeAsync(manager, new VariableRelay().Offer(c));
            // One connection between B and C first, with a variable already bound: two sites dialing each other at
            // once under these delays can both time out in the handshake, a race this simulation is not about.
            await atB.HoldAsync(Slots, new Dataflow<int>(0));
            await atC.FetchAsync(Slots, atB);
            var variables = Enumerable.Range(0, Slots).Select(_ => new Dataflow<int>()).ToArray();
            await Task.WhenAll(Enumerable.Range(0, Slots).Select(slot => atB.HoldAsync(slot, variables[slot])));
            var last = await Task.WhenAll(Enumerable.Range(0, Slots).Select(slot => HopAsync(slot, 2 + script.Next(4), atB, atC)));
            await Task.WhenAll(Enumerable.Range(0, Slots).Select(slot => last[slot].BindAsync(slot, seed + slot)));
            await Task.WhenAll(Enumerable.Range(0, Slots).Select(slot => last[slot].DropAsync(slot)));
            if (Enumerable.Range(0, Slots).Any(slot => variables[slot].Value != seed + slot)) return $"seed {seed}: a bind did not reach the manager";
            await Poll.UntilAsync(() => manager.Variables.ExportCount == 0 && b.Variables.ProxyCount == 0 && c.Variables.ProxyCount == 0);
            return null;
        }
        catch (Exception ex)
        {
            return $"seed {seed}: {ex}";
        }
    }

    /// <returns>The relay holding the slot's variable at the end.</returns>
    private static async Task<VariableRelay> HopAsync(int slot, int hops, VariableRelay atB, VariableRelay atC)
    {
        var (from, to) = (atB, atC);
        for (var i = 0; i < hops; i++)
        {
            await to.FetchAsync(slot, from);
            (from, to) = (to, from);
        }
        return from;
    }
}
