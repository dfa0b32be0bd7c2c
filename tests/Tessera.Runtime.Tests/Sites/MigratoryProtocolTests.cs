using Tessera.Infrastructure;
using Tessera.Runtime.Tests.FaultHandling;
using Tessera.Transport;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>The migratory protocol on the in-memory network: serialization, message counts, fairness, errors.</summary>
public sealed class MigratoryProtocolTests
{
    [Fact]
    public async Task Four_sites_making_1000_concurrent_increments_each_count_exactly_4000()
    {
        await using var harness = new SiteHarness();
        var (home, counter, others) = await ShareAsync(harness, 3);
        var everyone = others.Prepend(counter).ToList();

        await Task.WhenAll(everyone.Select(c => Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => c.IncrementAsync())))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4000, counter.Count());
        Assert.All(others, c => Assert.Equal(4000, c.Count()));
    }

    [Fact]
    public async Task Blocking_calls_from_many_threads_on_four_sites_are_serialized()
    {
        await using var harness = new SiteHarness();
        var (_, counter, others) = await ShareAsync(harness, 3);
        var everyone = others.Prepend(counter).ToList();

        // Dedicated threads, as an application's own would be: blocked pool threads would only measure pool starvation.
        var threads = everyone.SelectMany(c => Enumerable.Range(0, 8).Select(_ => RunOnThread(() =>
        {
            for (var i = 0; i < 50; i++) c.Increment();
        }))).ToList();
        await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4 * 8 * 50, counter.Count());
    }

    [Fact]
    public async Task A_move_costs_2_messages_with_home_at_one_end_3_otherwise_and_0_when_local()
    {
        await using var harness = new SiteHarness();
        var (home, counter, others) = await ShareAsync(harness, 2);
        var (a, b) = (others[0], others[1]);
        var (siteA, siteB) = (harness.Sites[1], harness.Sites[2]);

        await AssertMessagesAsync(harness, 2, () => a.Increment());
        Assert.Equal(1, siteA.Counters.Sent(MessageKind.Get));
        Assert.Equal(1, home.Counters.Sent(MessageKind.Token));

        await AssertMessagesAsync(harness, 0, () => a.Increment());

        await AssertMessagesAsync(harness, 3, () => b.Increment());
        Assert.Equal(1, siteB.Counters.Sent(MessageKind.Get));
        Assert.Equal(1, home.Counters.Sent(MessageKind.Forward));
        Assert.Equal(1, siteA.Counters.Sent(MessageKind.Token));

        await AssertMessagesAsync(harness, 2, () => counter.Increment());
        Assert.Equal(2, home.Counters.Sent(MessageKind.Forward));
        Assert.Equal(1, siteB.Counters.Sent(MessageKind.Token));

        await AssertMessagesAsync(harness, 0, () => counter.Increment());
        Assert.Equal(5, counter.Count());
    }

    [Fact]
    public async Task The_state_visits_sites_in_the_order_their_requests_reached_the_manager()
    {
        await using var harness = new SiteHarness();
        var (_, counter, others) = await ShareAsync(harness, 3);
        var gate = Gates.New();
        var held = counter.HoldAsync(gate);
        var visits = new List<Task>();
        var names = new[] { "A", "B", "C" };
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        for (var i = 0; i < others.Count; i++)
        {
            var (proxy, name) = (others[i], names[i]);
            visits.Add(Task.Run(() => proxy.Visit(name)));
            // The chain (home, then each requester placed), not the count of GETs, which home bumps before it
            // places the request: the next site's GET could otherwise be placed first.
            var expected = i + 2;
            await Poll.UntilAsync(() => manager.ChainLength == expected);
        }

        Gates.Release(gate);
        await Task.WhenAll(visits.Append(held)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["hold", "A", "B", "C"], counter.Visits());
    }

    [Fact]
    public async Task Calls_queued_when_the_state_arrives_run_before_it_moves_on_and_later_ones_wait_their_turn()
    {
        await using var harness = new SiteHarness();
        var (home, counter, others) = await ShareAsync(harness, 2);
        var (a, b) = (others[0], others[1]);
        var (atHome, atA) = (Gates.New(), Gates.New());
        var heldAtHome = counter.HoldAsync(atHome);
        var heldAtA = a.HoldAsync(atA);
        var queuedAtA = Enumerable.Range(0, 4).Select(_ => a.IncrementAsync()).ToList();
        // Home counts a GET before it handles it, so the count alone does not show A's place in the chain.
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        await Poll.UntilAsync(() => manager.ChainLength == 2);
        var atB = b.IncrementAsync();
        // Only A's receipt of the FORWARD naming B shows that A knows its successor. Without it, under load, the
        // state could reach A first, and A would then serve laterAtA before learning of B: correct, but not the
        // order this test checks.
        await Poll.UntilAsync(() => harness.Sites[1].Counters.Received(MessageKind.Forward) == 1);

        Gates.Release(atHome);
        await Gates.EnteredAsync(atA).WaitAsync(TimeSpan.FromSeconds(10));
        var laterAtA = a.IncrementAsync();
        Gates.Release(atA);

        var results = await Task.WhenAll(queuedAtA.Append(atB).Append(laterAtA)).WaitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(heldAtHome, heldAtA);
        Assert.Equal([1, 2, 3, 4, 5, 6], results);
    }

    [Fact]
    public async Task An_exception_reaches_the_local_caller_and_leaves_the_state_as_the_method_left_it()
    {
        await using var harness = new SiteHarness();
        var (_, counter, others) = await ShareAsync(harness, 1);
        others[0].Increment();

        var error = Assert.Throws<InvalidOperationException>(() => others[0].Break("on purpose"));

        Assert.Equal("on purpose", error.Message);
        Assert.Equal(-1, others[0].Count());
        Assert.Equal(-1, counter.Count());
    }

    [Fact]
    public async Task A_method_calling_its_own_object_re_enters_instead_of_waiting_for_itself()
    {
        await using var harness = new SiteHarness();
        var (_, counter, others) = await ShareAsync(harness, 1);

        Assert.Equal(2, others[0].IncrementTwice());
        Assert.Equal(4, await others[0].IncrementTwiceAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(6, counter.IncrementTwice());
    }

    [Fact]
    public async Task Killing_the_holder_makes_the_object_PermFail_everywhere_and_fails_every_waiting_call_within_its_deadline()
    {
        await using var harness = new SiteHarness();
        var (home, counter, others) = await ShareAsync(harness, 2, callTimeout: TimeSpan.FromSeconds(20));
        var (holder, waiter) = (others[0], others[1]);
        var gate = Gates.New();
        holder.Increment();
        var held = holder.HoldAsync(gate);
        var waiting = Enumerable.Range(0, 10).Select(_ => waiter.IncrementAsync())
            .Concat(Enumerable.Range(0, 10).Select(_ => counter.IncrementAsync()))
            .ToList();
        // The home's own request is made inside its calls; the waiter's travels, so wait until it has arrived.
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 2);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.True(harness.Network.KillTransport(harness.Sites[1].Address));

        foreach (var call in waiting)
        {
            var error = await Assert.ThrowsAsync<EntityFaultException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(FaultState.PermFail, error.State);
            Assert.Contains("failed before handing it on", Assert.IsType<CachedStateLostException>(error.InnerException).Reason);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"The waiting calls failed after {clock.Elapsed}, past their deadline.");
        Assert.Equal(FaultState.PermFail, Faults.StateOf(counter));
        Assert.Equal(FaultState.PermFail, Faults.StateOf(waiter));
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => counter.Increment()).State);
        Gates.Release(gate);
        await held.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_site_that_left_after_handing_the_state_on_loses_nothing()
    {
        await using var harness = new SiteHarness();
        var (home, counter, others) = await ShareAsync(harness, 2);
        others[0].Increment();
        others[1].Increment();

        await harness.Sites[1].StopAsync();
        await Poll.UntilAsync(() => home.ConnectionCount == 1);

        Assert.Equal(3, counter.Increment());
        Assert.Equal(4, others[1].Increment());
    }

    [Fact]
    public async Task A_dead_site_the_state_got_past_loses_nothing_while_the_state_is_in_flight_from_a_site_that_handed_it_on()
    {
        await using var harness = new SiteHarness();
        var home = await StartAsync(harness);
        var counter = Counter.Create();
        var ticket = counter.OfferUnlimited(home);
        var siteA = await StartAsync(harness);
        TokenHoldingTransport? holding = null;
        var siteB = await StartAsync(harness, wrapTransport: t => holding = new TokenHoldingTransport(t));
        var (a, b) = (await Counter.TakeAsync(siteA, ticket), await Counter.TakeAsync(siteB, ticket));
        var c = await Counter.TakeAsync(await StartAsync(harness), ticket);
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        a.Increment();
        b.Increment();
        holding!.Close();
        var atC = c.IncrementAsync();
        await Poll.UntilAsync(() => holding.Held == 1);
        Assert.Equal(0, siteB.Migratory.ActiveCount);
        Assert.Equal(4, manager.ChainLength);

        // Only B, which handed the state on and holds nothing now, can prove it got past A.
        Assert.True(harness.Network.KillTransport(siteA.Address));
        await Poll.UntilAsync(() => manager.ChainLength < 4);

        Assert.Equal(3, manager.ChainLength);
        holding.Open();
        Assert.Equal(3, await atC.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(4, counter.Increment());
    }

    [Fact]
    public async Task A_site_that_handed_the_state_on_asked_again_and_died_with_the_state_in_flight_loses_it_for_everyone()
    {
        await using var harness = new SiteHarness();
        var callTimeout = TimeSpan.FromSeconds(20);
        var home = await StartAsync(harness, callTimeout);
        var counter = Counter.Create();
        var ticket = counter.OfferUnlimited(home);
        TokenHoldingTransport? holding = null;
        var siteB = await StartAsync(harness, callTimeout, t => holding = new TokenHoldingTransport(t));
        var b = await Counter.TakeAsync(siteB, ticket);
        var c = await Counter.TakeAsync(await StartAsync(harness, callTimeout), ticket);
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        b.Increment();
        holding!.Close();
        var atC = c.IncrementAsync();
        await Poll.UntilAsync(() => holding.Held == 1);
        // B has handed the state to C (it waits in B's transport) and asks again, which tells the manager it had it.
        var atB = b.IncrementAsync();
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 3 && manager.ChainLength == 2);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.True(harness.Network.KillTransport(siteB.Address));

        var error = await Assert.ThrowsAsync<EntityFaultException>(() => atC.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(FaultState.PermFail, error.State);
        Assert.Contains("failed before handing it on", Assert.IsType<CachedStateLostException>(error.InnerException).Reason);
        Assert.True(clock.Elapsed < callTimeout, $"C's call failed after {clock.Elapsed}: it waited out its deadline for a state that died with B.");
        Assert.Equal(FaultState.PermFail, Assert.Throws<EntityFaultException>(() => counter.Increment()).State);
        _ = atB.ContinueWith(static call => call.Exception, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_holder_cut_off_from_the_home_when_the_site_that_handed_it_the_state_dies_loses_nothing()
    {
        await using var harness = new SiteHarness();
        // The home asks how far the state got within its own call deadline, which the holder's silence outlasts.
        var home = await StartAsync(harness, callTimeout: TimeSpan.FromSeconds(2));
        var counter = Counter.Create();
        var ticket = counter.OfferUnlimited(home);
        var siteB = await StartAsync(harness, TimeSpan.FromSeconds(30));
        SilenceableTransport? quiet = null;
        var siteC = await StartAsync(harness, TimeSpan.FromSeconds(30), t => quiet = new SilenceableTransport(t));
        var siteD = await StartAsync(harness, TimeSpan.FromSeconds(30));
        var (b, c, d) = (await Counter.TakeAsync(siteB, ticket), await Counter.TakeAsync(siteC, ticket), await Counter.TakeAsync(siteD, ticket));
        var manager = ((ICachedObject)counter).TesseraState.Manager!;
        Assert.Equal(1, b.Increment());
        var gate = Gates.New();
        var holding = c.HoldAsync(gate);
        await Gates.EnteredAsync(gate).WaitAsync(TimeSpan.FromSeconds(10));
        var atD = d.IncrementAsync();
        // B asks again after C and D: the manager learns B had the state, and B's next turn follows D's.
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 3);
        var atB = b.IncrementAsync();
        await Poll.UntilAsync(() => home.Counters.Received(MessageKind.Get) == 4 && siteD.Counters.Received(MessageKind.Forward) == 1);

        quiet!.Silence();
        Assert.True(harness.Network.KillTransport(siteB.Address));
        // The repair skips B's new request and asks C, the holder, how far the state got; C cannot answer.
        await Poll.UntilAsync(() => home.Counters.Sent(MessageKind.StateQuery) >= 1 && !manager.Repairing, TimeSpan.FromSeconds(20));
        quiet.Hear();
        Gates.Release(gate);

        await holding.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, await atD.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(3, counter.Increment());
        _ = atB.ContinueWith(static call => call.Exception, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_call_that_waits_past_its_deadline_fails_without_running()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var impatient = await harness.StartSiteAsync(callTimeout: TimeSpan.FromMilliseconds(300));
        var counter = Counter.Create();
        var remote = await Counter.TakeAsync(impatient, counter.Offer(home));
        var gate = Gates.New();
        var held = counter.HoldAsync(gate);

        var error = await Assert.ThrowsAsync<StateWaitTimeoutException>(() => remote.IncrementAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("did not run", error.Message);
        Gates.Release(gate);
        await held;
        Assert.Equal(0, counter.Count());
        Assert.Equal(1, remote.Increment());
    }

    [Fact]
    public async Task Cancelling_a_waiting_call_leaves_the_queue_and_the_object_usable()
    {
        await using var harness = new SiteHarness();
        var (_, counter, others) = await ShareAsync(harness, 1);
        var gate = Gates.New();
        var held = counter.HoldAsync(gate);
        using var cancellation = new CancellationTokenSource();
        var waiting = others[0].IncrementAsync(cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Gates.Release(gate);
        await held;
        Assert.Equal(1, others[0].Increment());
        Assert.Equal(1, counter.Count());
    }

    [Fact]
    public async Task An_unshared_object_runs_locally_and_a_shared_one_refuses_a_second_site()
    {
        await using var harness = new SiteHarness();
        var first = await harness.StartSiteAsync();
        var second = await harness.StartSiteAsync();
        var counter = Counter.Create();

        Assert.Equal(1, counter.Increment());
        counter.Offer(first);

        Assert.Throws<InvalidOperationException>(() => counter.Offer(second));
        Assert.Equal(0, first.Counters.TotalSent);
    }

    [Fact]
    public async Task Offering_a_taken_reference_is_refused_with_a_clear_error()
    {
        await using var harness = new SiteHarness();
        var (_, _, others) = await ShareAsync(harness, 1);

        var error = Assert.Throws<NotSupportedException>(() => others[0].Offer(harness.Sites[1]));

        Assert.Contains("home site", error.Message);
    }

    private static Task RunOnThread(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }) { IsBackground = true }.Start();
        return done.Task;
    }

    private static async Task<(Site Home, Counter Counter, List<Counter> Others)> ShareAsync(SiteHarness harness, int others, TimeSpan? callTimeout = null)
    {
        var home = await StartAsync(harness, callTimeout);
        var counter = Counter.Create();
        var ticket = counter.OfferUnlimited(home);
        var proxies = new List<Counter>();
        for (var i = 0; i < others; i++) proxies.Add(await Counter.TakeAsync(await StartAsync(harness, callTimeout), ticket));
        return (home, counter, proxies);
    }

    /// <summary>
    /// A site whose failure detector gives up on a crashed peer within a second, so loss is decided quickly, and whose
    /// calls wait through TempFail: under load a starved site looks silent for a moment, which is not what these test.
    /// </summary>
    private static Task<Site> StartAsync(SiteHarness harness, TimeSpan? callTimeout = null, Func<ITransport, ITransport>? wrapTransport = null)
        => harness.StartSiteAsync(callTimeout, wrapTransport: wrapTransport, configure: options => options with
        {
            Faults = FaultSites.Fast with { Detection = FaultDetection.WaitForRecovery },
        });

    /// <summary>Runs <paramref name="move"/> and checks how many messages all sites sent for it, once the last one is counted.</summary>
    private static async Task AssertMessagesAsync(SiteHarness harness, long expected, Action move)
    {
        var before = harness.Sites.Sum(s => s.Counters.TotalSent);
        await Task.Run(move);
        await Poll.UntilAsync(() => harness.Sites.Sum(s => s.Counters.TotalReceived) - harness.Sites.Sum(s => s.Counters.TotalSent) == 0 && harness.Sites.Sum(s => s.Counters.TotalSent) - before >= expected);
        Assert.Equal(expected, harness.Sites.Sum(s => s.Counters.TotalSent) - before);
    }
}
