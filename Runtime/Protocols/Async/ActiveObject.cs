using System;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tessera.Protocols.Async;

/// <summary>One call waiting in an active object's mailbox. Running it never throws: outcomes go to its reply.</summary>
internal abstract class ActiveWork
{
    public abstract ValueTask RunAsync();
}

/// <summary>
/// The executor of one <c>[Async]</c> object: local and remote calls alike queue in one bounded
/// mailbox and run one at a time, in arrival order, on the thread pool (never on a connection's reader).
/// An asynchronous method finishes before the next call starts.
/// </summary>
internal sealed class ActiveObject : IThreadPoolWorkItem
{
    /// <summary>Calls one object may have queued; remote calls past it fail at once, local ones wait.</summary>
    public const int MailboxCapacity = 65_536;

    // Run this many calls, then yield the thread, so one busy object cannot hold a pool thread forever.
    private const int CallsPerTurn = 256;

    private static readonly ConditionalWeakTable<object, ActiveObject> Executors = new();

    private readonly ConcurrentQueue<ActiveWork> _mailbox = new();
    private readonly Slots _space = new(MailboxCapacity);
    private int _scheduled;

    private ActiveObject() { }

    /// <summary>Where one-way calls that threw are reported; the home site sets it when calls arrive remotely.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>The one executor of <paramref name="target"/>, made on first use.</summary>
    public static ActiveObject Of(object target) => Executors.GetValue(target, static _ => new ActiveObject());

    /// <summary>Queues without waiting; false when the mailbox is full.</summary>
    public bool TryPost(ActiveWork work)
    {
        if (!_space.TryTake()) return false;
        Enqueue(work);
        return true;
    }

    /// <summary>Queues, waiting for room up to <paramref name="timeout"/> or cancellation.</summary>
    public void Post(ActiveWork work, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_space.Take(TimeProvider.System, timeout, cancellationToken))
            throw new ActiveObjectOverloadedException($"The active object's mailbox stayed full ({MailboxCapacity} calls) for {timeout.TotalMilliseconds:0} ms.");
        Enqueue(work);
    }

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    private void Enqueue(ActiveWork work)
    {
        _mailbox.Enqueue(work);
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            for (var ran = 0; ran < CallsPerTurn && _mailbox.TryDequeue(out var work); ran++)
            {
                try
                {
                    var run = work.RunAsync();
                    if (!run.IsCompletedSuccessfully) await run.ConfigureAwait(false);
                }
                finally
                {
                    _space.Release();
                }
            }
            if (!_mailbox.IsEmpty)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }
            // A full fence, not a plain write: the mailbox must be read after the reset is visible, or an enqueuer that
            // still saw 1 and a drain that saw an empty mailbox would both leave the call waiting for the next one.
            Interlocked.Exchange(ref _scheduled, 0);
            if (_mailbox.IsEmpty || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0) return;
        }
    }
}
