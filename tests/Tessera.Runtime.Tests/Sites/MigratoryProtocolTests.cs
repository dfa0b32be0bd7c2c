using System.Diagnostics;
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
        var (home, counter, others) = await MigratorySites.ShareAsync(harness, 3);
        var everyone = others.Prepend(counter).ToList();

        await Task.WhenAll(everyone.Select(c => Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => c.IncrementAsync())))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4000, counter.Count());
        Assert.All(others, c => Assert.Equal(4000, c.Count()));
    }

    [Fact]
    public async Task Blocking_calls_from_many_threads_on_four_sites_are_serialized()
    {
        await using var harness = new SiteHarness();
        var (_, counter, others) = await MigratorySites.ShareAsync(harness, 3);
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
        var (home, counter, others) = await MigratorySites.ShareAsync(harness, 2);
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
        var (_, counter, others) = await MigratorySites.ShareAsync(harness, 3);
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
        var (home, counter, others) = await MigratorySites.ShareAsync(harness, 2);
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
        var (_, counter, others) = await MigratorySites.ShareAsync(harness, 1);
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
        var (_, counter, others) = await MigratorySites.ShareAsync(harness, 1);

        Assert.Equal(2, others[0].IncrementTwice());
        Assert.Equal(4, await others[0].IncrementTwiceAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(6, counter.IncrementTwice());
    }

    [Fact]
    public async Task An_async_call_that_comes_back_to_its_object_through_another_one_re_enters()
    {
        var server = Volley.Create();
        var partner = Volley.Create();

        // A's call awaits B's, which calls A again: the nested call on B must not hide that the flow holds A.
        var score = await server.ServeAsync(partner).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(10 + 1 + 2, score);
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
        var (_, counter, others) = await MigratorySites.ShareAsync(harness, 1);
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
        var (_, _, others) = await MigratorySites.ShareAsync(harness, 1);

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

    /// <summary>Runs <paramref name="move"/> and checks how many messages all sites sent for it, once the last one is counted.</summary>
    private static async Task AssertMessagesAsync(SiteHarness harness, long expected, Action move)
    {
        var before = harness.Sites.Sum(s => s.Counters.TotalSent);
        await Task.Run(move);
        await Poll.UntilAsync(() => harness.Sites.Sum(s => s.Counters.TotalReceived) - harness.Sites.Sum(s => s.Counters.TotalSent) == 0 && harness.Sites.Sum(s => s.Counters.TotalSent) - before >= expected);
        Assert.Equal(expected, harness.Sites.Sum(s => s.Counters.TotalSent) - before);
    }

    [Fact]
    public async Task A_state_that_cannot_be_decoded_where_it_lands_is_declared_lost_for_everyone()
    {
        await using var harness = new SiteHarness();
        var home = await MigratorySites.StartAsync(harness, TimeSpan.FromSeconds(8));
        var vase = Vase.Create();
        var ticket = vase.OfferUnlimited(home);
        var first = await Vase.TakeAsync(await MigratorySites.StartAsync(harness, TimeSpan.FromSeconds(8)), ticket);
        var second = await Vase.TakeAsync(await MigratorySites.StartAsync(harness, TimeSpan.FromSeconds(8)), ticket);
        Assert.Equal(1, first.Touch());
        try
        {
            Fragile.Breaking = true;

            // The state leaves the first site and breaks at the second, which is the only site it could be at.
            Assert.Throws<EntityFaultException>(() => second.Touch());

            // The second site tells the manager, which tells everyone: the home's own call fails at once, where it
            // used to wait for its deadline while the manager kept forwarding requests to the second site.
            var waited = Stopwatch.StartNew();
            var error = Assert.Throws<EntityFaultException>(() => vase.Touch());
            Assert.Equal(FaultState.PermFail, error.State);
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(6), $"The home's call ended after {waited.Elapsed.TotalSeconds:0.0} s.");
        }
        finally
        {
            Fragile.Breaking = false;
        }
    }
}
