using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.Infrastructure;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Gc;

/// <summary>
/// A site's distributed garbage collector (docs/gc.md). Sends the weight of dropped proxies home in
/// batches, renews the leases on entities this site still references, credits weight that comes home,
/// and reclaims exports whose leases ran out, for each of the site's tables (<see cref="EntityTable"/>):
/// its objects and its dataflow variables. Everything runs on one timer of the site's TimeProvider.
/// </summary>
internal sealed class GarbageCollector
{
    private readonly Site _site;
    private readonly ReferenceTable _references;
    private readonly GcOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WeightReturns _returns = new();
    private readonly IGcTable?[] _tables = new IGcTable?[Enum.GetValues<EntityTable>().Length];
    private readonly ITimer _timer;
    private readonly CoarseClock _clock;
    private long _nextRenewal;
    private long _proxies;
    private int _ticking;
    private int _flushQueued;
    private volatile bool _stopped;

    public GarbageCollector(Site site, ReferenceTable references, ILogger logger)
    {
        _site = site;
        _references = references;
        _options = site.Options.Gc;
        _time = site.Options.TimeProvider;
        _logger = logger;
        _tables[(int)EntityTable.Objects] = references;
        _clock = new CoarseClock(_time);
        _nextRenewal = _clock.Now + _clock.StampsIn(_options.LeaseRenewalInterval);
        _timer = _time.CreateTimer(static state => ((GarbageCollector)state!).Tick(), this, _options.WeightReturnDelay, _options.WeightReturnDelay);
    }

    /// <summary>Live proxies: made for a reference that arrived, and neither released nor collected yet.</summary>
    public long ProxyCount => Interlocked.Read(ref _proxies);

    public void OnProxyCreated() => Interlocked.Increment(ref _proxies);

    /// <summary>Another table of the site takes part; done once, while the site is being made.</summary>
    public void Attach(EntityTable table, IGcTable entries) => Volatile.Write(ref _tables[(int)table], entries);

    /// <summary>A proxy was released or collected (then on the finalizer thread, which must never block).</summary>
    public void OnProxyDropped(ProxyHandle handle, List<Credit> credits)
    {
        Interlocked.Decrement(ref _proxies);
        _references.ForgetCollected(handle.Home, handle.ObjectKey);
        ReturnWeight(EntityTable.Objects, handle.Home, handle.EndpointHints, handle.ObjectKey, credits);
    }

    /// <summary>
    /// A proxy was released (RemoteReference.Release). Async calls held for its home, made before the release, go out
    /// first: weight home ahead of them would let the home drop the object they call, and they would fail there.
    /// </summary>
    public void OnProxyReleased(ProxyHandle handle, List<Credit> credits)
    {
        Interlocked.Decrement(ref _proxies);
        _references.ForgetCollected(handle.Home, handle.ObjectKey);
        void Return() => ReturnWeight(EntityTable.Objects, handle.Home, handle.EndpointHints, handle.ObjectKey, credits);
        if (!_site.AsyncCalls.TryRunAfterHeld(handle.Home, Return)) Return();
    }

    /// <summary>Queues a let-go proxy's weight for its home; may run on the finalizer thread, so it never blocks.</summary>
    public void ReturnWeight(EntityTable table, SiteIdentity home, ImmutableArray<string> hints, ulong key, List<Credit> credits)
    {
        if (_stopped || credits.Count == 0) return;
        var waiting = _returns.Add(table, home, hints, key, credits);
        // A large burst goes out at once instead of waiting for the timer, so the batch stays bounded.
        if (waiting >= _options.MaxEntitiesPerMessage && Interlocked.Exchange(ref _flushQueued, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static gc => gc.FlushQueued(), this, preferLocal: false);
    }

    public void OnWeightReturn(PeerConnection from, WeightReturn message)
    {
        var entries = TableFor(message.Table, from);
        if (message.Counts.Length != message.Keys.Length || message.Levels.Length != message.Mantissas.Length || message.Counts.Sum(c => (long)c) != message.Levels.Length || message.Counts.Any(c => c < 0))
            throw new ProtocolViolationException($"A weight return from {from.Peer} does not add up: {message.Keys.Length} keys, {message.Levels.Length} credits.");
        var credits = new Credit[message.Levels.Length];
        for (var i = 0; i < credits.Length; i++) credits[i] = Credit.FromWire(message.Levels[i], message.Mantissas[i]);
        var start = 0;
        for (var i = 0; i < message.Keys.Length; i++)
        {
            entries.OnWeightReturned(message.Keys[i], credits.AsSpan(start, message.Counts[i]));
            start += message.Counts[i];
        }
    }

    public void OnLeaseRenewal(PeerConnection from, LeaseRenewal message) => TableFor(message.Table, from).RenewLeases(from, message.Keys);

    /// <summary>Stops the timer and sends the weight still waiting, so a site that stops cleanly leaks nothing at its peers.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _timer.DisposeAsync().ConfigureAwait(false);
        GcMetrics.Unregister(_site);
        try
        {
            await Task.WhenAll(Flush()).WaitAsync(_site.Options.ShutdownTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogDebug("Stopped before all returned weight was sent; the homes' leases reclaim the rest.");
        }
    }

    private void Tick()
    {
        if (_stopped || Interlocked.Exchange(ref _ticking, 1) != 0) return;
        try
        {
            _ = Flush();
            var now = _clock.Now;
            if (now >= _nextRenewal)
            {
                _nextRenewal = now + _clock.StampsIn(_options.LeaseRenewalInterval);
                RenewHeldLeases();
            }
            foreach (var (table, entries) in Tables())
            {
                foreach (var key in entries.ReclaimExpiredLeases())
                    _logger.LogInformation("Reclaimed {Table} #{Key:x16}: no holder renewed its lease within {Lease} s.", table, key, _options.LeaseDuration.TotalSeconds);
            }
        }
        catch (Exception ex)
        {
            // A timer callback that throws would take the process down; the next tick tries again.
            _logger.LogError(ex, "Distributed garbage collection failed on this tick.");
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    private void FlushQueued()
    {
        Volatile.Write(ref _flushQueued, 0);
        _ = Flush();
    }

    private Task[] Flush()
        => _returns.Drain(_options.MaxEntitiesPerMessage).Select(r => SendAsync(r.Home, r.Hints, r.Message)).ToArray();

    private void RenewHeldLeases()
    {
        foreach (var (table, entries) in Tables())
        {
            foreach (var (home, (hints, keys)) in entries.HeldByHome())
            {
                foreach (var chunk in keys.Chunk(_options.MaxEntitiesPerMessage))
                    _ = SendAsync(home, hints, new LeaseRenewal { Keys = chunk, Table = table });
            }
        }
    }

    private IEnumerable<(EntityTable Table, IGcTable Entries)> Tables()
    {
        for (var table = 0; table < _tables.Length; table++)
        {
            if (Volatile.Read(ref _tables[table]) is { } entries) yield return ((EntityTable)table, entries);
        }
    }

    private IGcTable TableFor(EntityTable table, PeerConnection from)
        => (uint)table < (uint)_tables.Length && Volatile.Read(ref _tables[(int)table]) is { } entries
            ? entries
            : throw new ProtocolViolationException($"{from.Peer} sent garbage-collection keys for table {table}, which this site does not have.");

    private async Task SendAsync(SiteIdentity home, ImmutableArray<string> hints, WireMessage message)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_site.Options.DefaultCallTimeout, _time);
            var connection = await _site.Connections.GetAsync(home, hints.IsDefault ? ImmutableArray<string>.Empty : hints, deadline.Token).ConfigureAwait(false);
            await connection.SendAsync(message, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException or ObjectDisposedException)
        {
            // The home is gone or unreachable: its lease on the entities reclaims what this message carried.
            _logger.LogDebug("Could not send {Kind} to {Home}: {Reason}", message.Kind, home, ex.Message);
        }
    }
}
