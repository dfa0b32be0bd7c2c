using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.Infrastructure;

namespace Tessera.Protocols.Async;

/// <summary>
/// Async calls to a home that is in TempFail with no connection: a send never blocks on a fault, so they
/// wait here, in order, until the home is reachable again (then they go out in that order), becomes
/// PermFail (then they fail), or their deadline passes. Once a home has held calls, later calls to it
/// queue behind them, so FIFO order holds across the outage.
/// </summary>
internal sealed class HeldAsyncCalls
{
    // Transitions wake the drain at once; the period bounds how late an expired or cancelled call fails.
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<SiteIdentity, Queue<PendingAsyncCall>> _queues = new();

    // What waits for a queue to be emptied and retired (the weight of a proxy released while its calls were held). Its own
    // lock, not the queue's: a drain holds that one while it waits for room to send, and a release must not wait with it.
    private readonly Lock _afterGate = new();
    private readonly Dictionary<Queue<PendingAsyncCall>, List<Action>> _afterDrain = new();

    // Drains still running, and what wakes them when the site stops: a stopping site waits for them to fail what they hold
    // and run what waited on it (a released proxy's weight) while its garbage collector still sends weight.
    private readonly ConcurrentDictionary<Task, byte> _drains = new();
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly AsyncCaller _caller;
    private readonly Site _site;
    private readonly ILogger _logger;
    private readonly CoarseClock _clock;

    public HeldAsyncCalls(AsyncCaller caller, Site site, ILogger logger)
    {
        _caller = caller;
        _site = site;
        _logger = logger;
        _clock = new CoarseClock(site.Options.TimeProvider);
    }

    /// <summary>Whether a call to <paramref name="home"/> might be held now; false means it goes out at once.</summary>
    public bool MightHold(SiteIdentity home)
        => _queues.ContainsKey(home) || (_site.Health.StateOf(home) == FaultState.TempFail && !_site.Connections.IsEstablished(home));

    /// <returns>False when the call should go out now.</returns>
    /// <exception cref="OperationCanceledException">A one-way call was cancelled while it waited for room.</exception>
    /// <exception cref="CallTimeoutException">A one-way call's deadline passed while it waited for room.</exception>
    /// <remarks>A two-way call that ends while waiting for room fails its reply variable instead; a one-way call has none,
    /// and its caller is still here to be told.</remarks>
    public bool TryHold(PendingAsyncCall call)
    {
        var home = call.Handle.Home;
        if (!MightHold(home)) return false;
        var queue = _queues.GetOrAdd(home, static _ => new Queue<PendingAsyncCall>());
        lock (queue)
        {
            // The queue was drained and retired between the check and the lock: this call may go out directly.
            if (!_queues.TryGetValue(home, out var current) || current != queue) return false;
            // Flow control as on a live connection: past the bound the caller waits for room, never drops the call.
            while (queue.Count >= _site.Options.MaxOutstandingAsyncCalls)
            {
                if (Ended(call, _clock.Now, "for room among the calls held for its home") is { } refusal)
                {
                    // A one-way caller's Send gives its arguments back as the exception passes.
                    if (call.IsOneWay) throw refusal;
                    call.ReturnArguments();
                    call.Fail(refusal);
                    return true;
                }
                Monitor.Wait(queue, Recheck);
                if (!_queues.TryGetValue(home, out current) || current != queue) return false;
            }
            queue.Enqueue(call);
            if (queue.Count == 1) Track(DrainAsync(home, queue));
        }
        return true;
    }

    /// <summary>
    /// Runs <paramref name="then"/> once the calls held for <paramref name="home"/> now, and any queued behind them, went out or failed.
    /// </summary>
    /// <returns>False, running nothing, when no calls are held for <paramref name="home"/>.</returns>
    public bool TryRunAfterHeld(SiteIdentity home, Action then)
    {
        lock (_afterGate)
        {
            // Looked up under this lock: a queue retired before it is gone from _queues, so nothing is left behind on it.
            if (!_queues.TryGetValue(home, out var queue)) return false;
            if (!_afterDrain.TryGetValue(queue, out var actions)) _afterDrain[queue] = actions = new List<Action>();
            actions.Add(then);
        }
        return true;
    }

    /// <summary>
    /// The site is stopping (<see cref="Site.IsStopped"/> is set): wakes every drain, which fails the calls it holds (they were
    /// never sent) and runs what waited for them, and waits for that, up to <paramref name="timeout"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _stopping.TrySetResult();
        if (_drains.IsEmpty) return;
        try
        {
            await Task.WhenAll(_drains.Keys).WaitAsync(timeout, _site.Options.TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogDebug("Stopped before every drain of held async calls ended; weight they held back goes home with the leases.");
        }
    }

    private void Track(Task drain)
    {
        if (drain.IsCompleted) return;
        _drains.TryAdd(drain, 0);
        // Runs at once if the drain ended between the check and here, so nothing is left behind.
        drain.ContinueWith(static (ended, drains) => ((ConcurrentDictionary<Task, byte>)drains!).TryRemove(ended, out _), _drains, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Why <paramref name="call"/>, waiting <paramref name="waiting"/>, must end now: its caller cancelled it, or its deadline passed; null if neither.</summary>
    private Exception? Ended(PendingAsyncCall call, long now, string waiting)
    {
        if (call.CancellationToken.IsCancellationRequested)
            return new OperationCanceledException($"The async call of method 0x{call.MethodId:x8} on {call.Handle} was cancelled while it waited {waiting}.", call.CancellationToken);
        return call.IsPast(now)
            ? new CallTimeoutException($"Async call of method 0x{call.MethodId:x8} on {call.Handle}, waiting {waiting},", _site.Options.DefaultCallTimeout, mayHaveRun: false)
            : null;
    }

    private async Task DrainAsync(SiteIdentity home, Queue<PendingAsyncCall> queue)
    {
        var time = _site.Options.TimeProvider;
        var health = _site.Health.Get(home);
        _logger.LogInformation("Holding async calls to {Home} until it is reachable again.", home);
        while (true)
        {
            if (_site.IsStopped)
            {
                FailAll(home, queue);
                return;
            }
            var state = health.State;
            if (state == FaultState.TempFail && !_site.Connections.IsEstablished(home))
            {
                ExpireOrCancel(queue, _clock.Now);
                try
                {
                    await Task.WhenAny(health.NextChange, _stopping.Task).WaitAsync(Recheck, time).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }
                continue;
            }
            // Ok, PermFail (Dispatch refuses each call then), or a connection is back: send everything, in order.
            AsyncChannel? route = null;
            lock (queue)
            {
                // Calls whose time ran out since the last look fail here rather than run at home after the fact.
                ExpireOrCancel(queue, _clock.Now);
                while (queue.TryDequeue(out var held)) _caller.Dispatch(held, ref route);
                Retire(home, queue);
            }
            RunAfterDrain(queue);
            return;
        }
    }

    /// <summary>This site stopped: nothing it holds will ever go out, and a stopped site's failure detector no longer tells the drain so.</summary>
    private void FailAll(SiteIdentity home, Queue<PendingAsyncCall> queue)
    {
        lock (queue)
        {
            while (queue.TryDequeue(out var held))
            {
                held.ReturnArguments();
                held.Fail(new ConnectionClosedException($"This site stopped while an async call of method 0x{held.MethodId:x8} on {held.Handle} was held for {home}; it was never sent."));
            }
            Retire(home, queue);
        }
        RunAfterDrain(queue);
    }

    private void Retire(SiteIdentity home, Queue<PendingAsyncCall> queue)
    {
        _queues.TryRemove(new KeyValuePair<SiteIdentity, Queue<PendingAsyncCall>>(home, queue));
        Monitor.PulseAll(queue);
    }

    /// <summary>Outside the queue's lock: the calls are on the wire (in the connection's order) or failed, so what waited may follow them.</summary>
    private void RunAfterDrain(Queue<PendingAsyncCall> queue)
    {
        List<Action>? actions;
        lock (_afterGate) _afterDrain.Remove(queue, out actions);
        if (actions is null) return;
        foreach (var action in actions) action();
    }

    private void ExpireOrCancel(Queue<PendingAsyncCall> queue, long now)
    {
        lock (queue)
        {
            if (queue.Count == 0) return;
            var kept = new Queue<PendingAsyncCall>(queue.Count);
            while (queue.TryDequeue(out var held))
            {
                if (Ended(held, now, "for its home to be reachable again") is not { } ended)
                {
                    kept.Enqueue(held);
                    continue;
                }
                held.ReturnArguments();
                held.Fail(ended);
            }
            while (kept.TryDequeue(out var held)) queue.Enqueue(held);
            Monitor.PulseAll(queue);
        }
    }
}
