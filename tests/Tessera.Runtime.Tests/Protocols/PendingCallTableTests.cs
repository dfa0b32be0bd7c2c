using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Infrastructure;
using Tessera.Protocols.Async;
using Xunit;

namespace Tessera.Runtime.Tests.Protocols;

public sealed class PendingCallTableTests
{
    [Fact]
    public void A_reply_for_a_call_that_ended_does_not_find_the_call_that_reuses_its_slot()
    {
        var table = new PendingCallTable(capacity: 1);
        var first = Call();
        var firstId = table.Add(first);
        Assert.True(table.Remove(firstId));

        // Two slots for a window of one: keep adding until the first call's slot is taken again.
        PendingAsyncCall reuser;
        long reuserId;
        do
        {
            reuser = Call();
            reuserId = table.Add(reuser);
            if ((uint)reuserId != (uint)firstId) Assert.True(table.Remove(reuserId));
        }
        while ((uint)reuserId != (uint)firstId);

        Assert.NotEqual(firstId, reuserId);
        Assert.False(table.TryGet(firstId, out _));
        Assert.False(table.Remove(firstId));
        Assert.True(table.TryGet(reuserId, out var found));
        Assert.Same(reuser, found);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Ids_are_never_zero_and_unknown_ids_find_nothing()
    {
        var table = new PendingCallTable(capacity: 4);
        var ids = Enumerable.Range(0, 4).Select(_ => table.Add(Call())).ToArray();

        Assert.DoesNotContain(0L, ids);
        Assert.Equal(4, ids.Distinct().Count());
        Assert.False(table.TryGet(0, out _));
        Assert.False(table.TryGet(long.MaxValue, out _));
        Assert.False(table.Remove(-1));
        Assert.Equal(4, table.Snapshot().Length);
    }

    [Fact]
    public void A_window_past_the_supported_size_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PendingCallTable(PendingCallTable.MaxCapacity + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SiteOptions { MaxOutstandingAsyncCalls = PendingCallTable.MaxCapacity + 1 }.Validate());
    }

    [Fact]
    public async Task Concurrent_adders_and_a_remover_each_see_every_call_exactly_once()
    {
        const int Window = 64;
        const int CallsPerAdder = 20_000;
        var table = new PendingCallTable(Window);
        var window = new SemaphoreSlim(Window);
        var added = new BlockingCollection<(long Id, PendingAsyncCall Call)>();
        var adders = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < CallsPerAdder; i++)
            {
                await window.WaitAsync(TimeSpan.FromSeconds(30));
                var call = Call();
                added.Add((table.Add(call), call));
            }
        })).ToArray();
        var remover = Task.Run(() =>
        {
            var removed = 0;
            while (removed < 3 * CallsPerAdder && added.TryTake(out var entry, TimeSpan.FromSeconds(30)))
            {
                Assert.True(table.TryGet(entry.Id, out var found));
                Assert.Same(entry.Call, found);
                Assert.True(table.Remove(entry.Id));
                Assert.False(table.Remove(entry.Id));
                window.Release();
                removed++;
            }
            return removed;
        });

        await Task.WhenAll(adders).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(3 * CallsPerAdder, await remover.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, table.Count);
        Assert.Empty(table.Snapshot());
    }

    private static PendingAsyncCall Call()
        => new PendingAsyncCall<int>(null!, 1, default, null, CancellationToken.None, deadline: long.MaxValue, static (_, _) => 0, new Dataflow<int>());
}
