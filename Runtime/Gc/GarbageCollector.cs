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
/// and reclaims exports whose leases ran out. Everything runs on one timer of the site's TimeProvider.
/// </summary>
internal sealed class GarbageCollector
{
    private readonly Site _site;
    private readonly ReferenceTable _references;
    private readonly GcOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WeightReturns _returns = new();
    private readonly ITimer _timer;
    private DateTimeOffset _nextRenewal;
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
        _nextRenewal = _time.GetUtcNow() + _options.LeaseRenewalInterval;
        _timer = _time.CreateTimer(static state => ((GarbageCollector)state!).Tick(), this, _options.WeightReturnDelay, _options.WeightReturnDelay);
        GcMetrics.Register(this, site.Identity);
    }

    public int ExportCount => _references.ExportCount;

    /// <summary>Live proxies: made for a reference that arrived, and neither released nor collected yet.</summary>
    public long ProxyCount => Interlocked.Read(ref _proxies);

    public void OnProxyCreated() => Interlocked.Increment(ref _proxies);

    /// <summary>A proxy was released or collected (then on the finalizer thread, which must never block).</summary>
    public void OnProxyDropped(ProxyHandle handle, List<Credit> credits)
    {
        Interlocked.Decrement(ref _proxies);
        _references.ForgetCollected(handle.Home, handle.ObjectKey);
        if (_stopped || credits.Count == 0) return;
        var waiting = _returns.Add(handle.Home, handle.EndpointHints, handle.ObjectKey, credits);
        // A large burst goes out at once instead of waiting for the timer, so the batch stays bounded.
        if (waiting >= _options.MaxEntitiesPerMessage && Interlocked.Exchange(ref _flushQueued, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static gc => gc.FlushQueued(), this, preferLocal: false);
    }

    public void OnWeightReturn(PeerConnection from, WeightReturn message)
    {
        if (message.Counts.Length != message.Keys.Length || message.Levels.Length != message.Mantissas.Length || message.Counts.Sum(c => (long)c) != message.Levels.Length || message.Counts.Any(c => c < 0))
            throw new ProtocolViolationException($"A weight return from {from.Peer} does not add up: {message.Keys.Length} keys, {message.Levels.Length} credits.");
        var credits = new Credit[message.Levels.Length];
        for (var i = 0; i < credits.Length; i++) credits[i] = new Credit(message.Levels[i], message.Mantissas[i]);
        var start = 0;
        for (var i = 0; i < message.Keys.Length; i++)
        {
            _references.OnWeightReturned(message.Keys[i], credits.AsSpan(start, message.Counts[i]));
            start += message.Counts[i];
        }
    }

    public void OnLeaseRenewal(PeerConnection from, LeaseRenewal message) => _references.RenewLeases(message.Keys);

    /// <summary>Stops the timer and sends the weight still waiting, so a site that stops cleanly leaks nothing at its peers.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _timer.DisposeAsync().ConfigureAwait(false);
        GcMetrics.Unregister(this);
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
            var now = _time.GetUtcNow();
            if (now >= _nextRenewal)
            {
                _nextRenewal = now + _options.LeaseRenewalInterval;
                RenewHeldLeases();
            }
            foreach (var key in _references.ReclaimExpiredLeases())
                _logger.LogInformation("Reclaimed exported entity #{Key:x16}: no holder renewed its lease within {Lease} s.", key, _options.LeaseDuration.TotalSeconds);
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
        foreach (var (home, (hints, keys)) in _references.HeldByHome())
        {
            foreach (var chunk in keys.Chunk(_options.MaxEntitiesPerMessage))
                _ = SendAsync(home, hints, new LeaseRenewal { Keys = chunk });
        }
    }

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
