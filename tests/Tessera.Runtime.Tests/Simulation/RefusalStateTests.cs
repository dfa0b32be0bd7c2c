using System.Diagnostics;
using Tessera.Runtime.Tests.Sites;
using Xunit;
using Xunit.Abstractions;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Found by the simulation under load (a stationary call ended in <c>EntityFaultException</c> with State Ok), made
/// repeatable here: a link that flips between TempFail and Ok while calls in ThrowOnUse mode keep arriving. The
/// fault gate decides to refuse on the state it read, then builds the exception from a second read, which may
/// already be Ok again.
/// </summary>
[Collection(SimulationCollection.Name)]
public sealed class RefusalStateTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstRefusalWait = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_refused_call_names_the_fault_it_was_refused_for_never_Ok()
    {
        await using var harness = new SiteHarness();
        var links = new LinkTable(harness.Network, seed: 0);
        // Silence of ~20 ms is TempFail, so the link can flip many times a second.
        var detection = new FaultOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(10), MinimumSilenceSlack = TimeSpan.FromMilliseconds(1), PermFailGrace = TimeSpan.FromSeconds(30) };
        // Short deadlines keep the callers cycling, so some are always at the gate when the state flips.
        var home = await LinkedSites.StartAsync(harness, links, detection, TimeSpan.FromMilliseconds(40));
        var caller = await LinkedSites.StartAsync(harness, links, detection, TimeSpan.FromMilliseconds(40));
        var ledger = await SimLedger.TakeAsync(caller, new SimLedger(new Journal<long>()).Offer(home));
        var link = links.Get(home.Address, caller.Address);
        var (refusals, namingOk) = (0, new List<string>());
        using var stop = new CancellationTokenSource();
        // Threads of their own: blocked pool threads would slow the very timers that flip the link.
        var callers = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    ledger.Record(1);
                }
                catch (EntityFaultException refused)
                {
                    Interlocked.Increment(ref refusals);
                    if (refused.State == FaultState.Ok) lock (namingOk) namingOk.Add(refused.Message);
                }
                catch (TesseraException)
                {
                    // Timeouts while the link is held: only refusals are judged.
                }
            }
        }) { IsBackground = true }).ToArray();
        foreach (var thread in callers) thread.Start();

        var (clock, flips) = (Stopwatch.StartNew(), 0);
        while (clock.Elapsed < Budget && namingOk.Count == 0)
        {
            link.Hold();
            await UntilAsync(() => Faults.StateOf(ledger) == FaultState.TempFail);
            // Stays in TempFail until a caller meets the gate: on a loaded machine the callers may still be
            // waiting out calls sent before the hold. Refused callers retry at once, so they are at the gate
            // when the link recovers.
            var before = Volatile.Read(ref refusals);
            await UntilAsync(() => Volatile.Read(ref refusals) > before, FirstRefusalWait);
            link.Release();
            await UntilAsync(() => Faults.StateOf(ledger) == FaultState.Ok);
            flips++;
        }
        stop.Cancel();
        Assert.All(callers, thread => Assert.True(thread.Join(TimeSpan.FromSeconds(5)), "A caller did not stop."));

        output.WriteLine($"{flips} flips between TempFail and Ok, {refusals} refusals, {namingOk.Count} naming Ok, in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(refusals > 0, "No call was ever refused: the test did not reach the gate during TempFail.");
        Assert.True(namingOk.Count == 0, $"A refusal named state Ok: {namingOk.FirstOrDefault()}");
    }

    /// <summary>Polls every millisecond: the faster the link flips, the more often a refusal meets a recovery.</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!condition()) await Task.Delay(1, deadline.Token);
    }

    /// <summary>As <see cref="UntilAsync(Func{bool})"/>, but gives up quietly after <paramref name="patience"/>.</summary>
    private static async Task UntilAsync(Func<bool> condition, TimeSpan patience)
    {
        var waited = Stopwatch.StartNew();
        while (!condition() && waited.Elapsed < patience) await Task.Delay(1);
    }
}
