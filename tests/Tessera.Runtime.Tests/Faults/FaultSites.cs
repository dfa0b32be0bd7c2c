using Tessera.Runtime.Tests.Sites;

namespace Tessera.Runtime.Tests.FaultHandling;

/// <summary>Sites with failure detection tuned for tests: a 100 ms heartbeat, so faults show within a second.</summary>
internal static class FaultSites
{
    public static readonly FaultOptions Fast = new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        MinimumSilenceSlack = TimeSpan.FromMilliseconds(400),
        PermFailGrace = TimeSpan.FromMilliseconds(800),
    };

    public static Task<Site> StartAsync(SiteHarness harness, FaultOptions? faults = null, Guid? id = null, string? address = null, TimeSpan? callTimeout = null)
        => harness.StartSiteAsync(callTimeout: callTimeout, id: id, configure: options => options with
        {
            Faults = faults ?? Fast,
            ListenAddress = address ?? options.ListenAddress,
        });

    /// <summary>Collects a fault stream into a list on the side, until it ends or the test's deadline.</summary>
    public static (List<FaultState> Seen, Task Done) Record(object entity, TimeSpan? deadline = null)
    {
        var seen = new List<FaultState>();
        var cancellation = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(20));
        var done = Task.Run(async () =>
        {
            try
            {
                await foreach (var state in Faults.Watch(entity, cancellation.Token))
                {
                    lock (seen) seen.Add(state);
                }
            }
            finally
            {
                cancellation.Dispose();
            }
        });
        return (seen, done);
    }

    public static FaultState[] Snapshot(List<FaultState> seen)
    {
        lock (seen) return seen.ToArray();
    }
}

/// <summary>
/// A partition on the in-memory network: while it is closed, every chunk of bytes waits (in order, per
/// direction) instead of arriving, as TCP's retransmissions hold data across a network outage.
/// </summary>
internal sealed class Partition
{
    private volatile TaskCompletionSource? _closed;

    public Partition(Tessera.Transport.InMemory.InMemoryNetwork network) => network.DeliveryDelay = Wait;

    public void Close() => _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Heal() => Interlocked.Exchange(ref _closed, null)?.TrySetResult();

    private ValueTask Wait() => _closed is { } closed ? new ValueTask(closed.Task) : default;
}
