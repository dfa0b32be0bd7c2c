using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.Gc;
using Tessera.Infrastructure;
using Tessera.Protocols.Migratory;
using Tessera.Serialization;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Variables;

/// <summary>
/// The variable protocol of one site: the variables it manages that other sites refer to, and its one proxy
/// per variable managed elsewhere. A bind costs one message to the manager plus one from the manager to each
/// registered proxy site; receiving an unbound variable costs one registration. Both tables take part in
/// garbage collection as objects do (docs/gc.md): an unbound variable carries weight.
/// </summary>
internal sealed class VariableTable : IGcTable
{
    private readonly VariableImports _imports = new();
    private readonly ConcurrentDictionary<PeerConnection, byte> _watched = new();

    public VariableTable(Site site, ILogger logger)
    {
        Site = site;
        Logger = logger;
        Exports = new VariableExports(this);
        site.Gc.Attach(EntityTable.Variables, this);
        site.Health.PeerFailed += OnManagerFailed;
    }

    public Site Site { get; }

    public ILogger Logger { get; }

    public VariableExports Exports { get; }

    /// <summary>Variables this site manages that other sites still refer to.</summary>
    public int ExportCount => Exports.Count;

    /// <summary>Proxies this site holds for variables managed elsewhere that are neither determined nor collected.</summary>
    public long ProxyCount => _imports.Count;

    public WireVariable ToWire<T>(Dataflow<T> variable, DataflowCodec<T> codec)
    {
        if (!variable.IsDetermined)
        {
            if (variable.Proxy is not { } proxy) return Reference(Site.Identity, Site.EndpointHints, Exports.Mint(variable, codec));
            if (proxy.TrySplit() is { } credit) return Reference(proxy.Manager, proxy.Hints, (proxy.Key, credit));
        }
        // Determined, perhaps a moment ago (then the proxy has let go of its weight): the outcome travels instead.
        return new WireVariable { Outcome = VariableOutcomes.Of(Site, variable, codec) };
    }

    public Dataflow<T> FromWire<T>(WireVariable wire, DataflowCodec<T> codec)
    {
        if (wire.Outcome is { } outcome)
        {
            var determined = new Dataflow<T>();
            VariableOutcomes.Apply(Site, determined, outcome, codec, wire.Manager);
            return determined;
        }
        if (wire.Manager == Site.Identity) return Exports.ComeHome<T>(wire.Key, wire.Credit);
        return Import(wire.Manager, ImmutableArray.Create(wire.EndpointHints), wire.Key, wire.Credit, codec);
    }

    public void OnRegister(PeerConnection proxySite, VariableRegister register)
    {
        // Unknown once the variable is no longer exported: the proxy was determined or collected before this arrived.
        if (Exports.Register(register.Key, proxySite, out var decided) is not { } exported)
        {
            // A proxy that was determined meanwhile ignores this; one that is not (its lease ran out while it was cut
            // off) would otherwise wait for an outcome nobody will send.
            Logger.LogDebug("Site {Peer} registered for variable #{Key:x16}, which this site no longer exports.", proxySite.Peer, register.Key);
            SendOutcome(proxySite, register.Key, VariableOutcomes.Fault(NoLongerManaged(register.Key)));
        }
        else if (decided)
        {
            exported.Tell(proxySite, register.Key);
        }
    }

    private EntityNotFoundException NoLongerManaged(ulong key)
        => new($"Site {Site.Identity} no longer manages dataflow variable #{key:x16}: its lease ran out or every reference was released.");

    public void OnBind(PeerConnection binder, VariableBind bind)
    {
        if (Exports.Find(bind.Key) is { } exported)
        {
            exported.OnBindRequest(binder, bind.Key, bind.Outcome);
            return;
        }
        // The binder is waiting on its proxy: end the wait with a clear fault rather than its timeout.
        var unknown = new EntityNotFoundException($"Site {Site.Identity} does not manage dataflow variable #{bind.Key:x16}.");
        SendOutcome(binder, bind.Key, VariableOutcomes.Fault(unknown));
    }

    /// <summary>
    /// Tells a proxy site a variable's outcome. A value too large for a frame is never delivered, so the site is told
    /// that instead: its variable ends rather than wait for it.
    /// </summary>
    public void SendOutcome(PeerConnection site, ulong key, VariableOutcome outcome)
    {
        if (site.PostUnlessTooLarge(new VariableBound { Key = key, Outcome = outcome }) is { } tooLarge && !outcome.IsFault)
        {
            Logger.LogWarning("The value of variable #{Key:x16} does not fit in a frame to {Peer}; it is told of the failure instead.", key, site);
            SendOutcome(site, key, VariableOutcomes.Fault(tooLarge));
        }
    }

    public void OnBound(PeerConnection manager, VariableBound bound) => _imports.Remove(manager.Peer, bound.Key)?.OnBound(bound.Outcome);

    /// <summary>A proxy let go of its weight, once: it was determined, or collected (then on the finalizer thread, which must never block).</summary>
    public void OnProxyReleased(IImportedVariable proxy, List<Credit> credits)
    {
        _imports.Forget(proxy);
        Site.Gc.ReturnWeight(EntityTable.Variables, proxy.Manager, proxy.Hints, proxy.Key, credits);
    }

    /// <summary>Queues <paramref name="message"/> without blocking the caller, which may be a connection's reader.</summary>
    public void Send(PeerConnection connection, WireMessage message)
    {
        ValueTask send;
        try
        {
            send = connection.SendAsync(message, CancellationToken.None);
        }
        catch (TesseraException ex)
        {
            Logger.LogDebug("Dropped a {Kind} to {Peer}: {Reason}", message.Kind, connection, ex.Message);
            return;
        }
        if (!send.IsCompletedSuccessfully) _ = ObserveAsync(send, connection, message.Kind);
    }

    public void OnWeightReturned(ulong key, ReadOnlySpan<Credit> credits) => Exports.OnWeightReturned(key, credits);

    /// <summary>
    /// A renewal for a variable no longer exported comes from a proxy whose lease ran out while its connection stayed
    /// up (a silent partition, a paused process): it re-registers only on a new connection, so it is told here, or it
    /// would wait for an outcome nobody sends. Only if the queue has room; the next renewal tries again.
    /// </summary>
    public void RenewLeases(PeerConnection holder, ReadOnlySpan<ulong> keys)
    {
        if (Exports.RenewLeases(keys) is not { } unknown) return;
        foreach (var key in unknown) holder.TryPostNow(new VariableBound { Key = key, Outcome = VariableOutcomes.Fault(NoLongerManaged(key)) });
    }

    public List<ulong> ReclaimExpiredLeases() => Exports.ReclaimExpiredLeases();

    public Dictionary<SiteIdentity, (ImmutableArray<string> Hints, List<ulong> Keys)> HeldByHome() => _imports.HeldByHome();

    private static WireVariable Reference(SiteIdentity manager, ImmutableArray<string> hints, (ulong Key, Credit Credit) copy) => new()
    {
        SiteId = manager.Id,
        Incarnation = manager.Incarnation,
        EndpointHints = hints.IsDefault ? Array.Empty<string>() : hints.ToArray(),
        Key = copy.Key,
        WeightLevel = copy.Credit.Level,
        WeightMantissa = copy.Credit.Mantissa,
    };

    private Dataflow<T> Import<T>(SiteIdentity manager, ImmutableArray<string> hints, ulong key, Credit credit, DataflowCodec<T> codec)
    {
        var (proxy, arrival) = _imports.Import(manager, key, credit, () =>
        {
            var variable = new Dataflow<T>();
            var made = new VariableProxy<T>(this, variable, manager, hints, key, codec, credit);
            variable.Proxy = made;
            return made;
        });
        if (arrival == VariableImports.Arrival.Created) proxy.Registered = RegisterAsync(proxy);
        else if (arrival == VariableImports.Arrival.Surplus) Site.Gc.ReturnWeight(EntityTable.Variables, manager, hints, key, [credit]);
        return proxy.Variable;
    }

    private Task RegisterAsync(IImportedVariable proxy)
        => RegisterAsync(proxy.Manager, "register", () => proxy.IsReleased ? [] : [proxy]);

    /// <summary>
    /// Registers the proxies <paramref name="unbound"/> lists (read afresh each try) with their manager, so
    /// outcomes reach them. While the manager is unreachable (TempFail) this waits and tries again, since the
    /// manager may come back with the variables still unbound; it gives up only when the manager is PermFail.
    /// </summary>
    private async Task RegisterAsync(SiteIdentity manager, string occasion, Func<IReadOnlyList<IImportedVariable>> unbound)
    {
        while (unbound() is { Count: > 0 } proxies)
        {
            if (Site.Health.StateOf(manager) == FaultState.PermFail)
            {
                var reason = ManagerFailed(manager, Site.Health.Get(manager).Reason);
                foreach (var proxy in proxies) proxy.OnManagerFailed(reason);
                return;
            }
            try
            {
                using var deadline = new CancellationTokenSource(Site.Options.DefaultCallTimeout, Site.Options.TimeProvider);
                var connection = await Site.Connections.GetAsync(manager, proxies[0].Hints, deadline.Token).ConfigureAwait(false);
                Watch(connection);
                foreach (var proxy in proxies) await connection.SendAsync(new VariableRegister { Key = proxy.Key }, deadline.Token).ConfigureAwait(false);
                return;
            }
            catch (ObjectDisposedException)
            {
                // This site is stopping.
                return;
            }
            catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
            {
                Logger.LogDebug("Could not {Occasion} {Count} dataflow variables with their manager, site {Manager}, yet: {Reason}", occasion, proxies.Count, manager, ex.Message);
            }
            await PeerWait.ChangeOrRetryAsync(Site, manager, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Once per connection: when it drops, its peer may be back soon with the variables it manages still
    /// unbound, and the registrations it held died with the connection: the unbound proxies register again.
    /// </summary>
    private void Watch(PeerConnection connection)
    {
        if (!_watched.TryAdd(connection, 0)) return;
        connection.Completion.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() =>
        {
            _watched.TryRemove(connection, out _);
            var manager = connection.Peer;
            _ = RegisterAsync(manager, "register again", () => _imports.Of(manager).Where(proxy => !proxy.IsReleased).ToList());
        });
    }

    /// <summary>A manager is gone for good: the variables it managed can never be bound, here or anywhere.</summary>
    private void OnManagerFailed(SiteIdentity manager)
    {
        var orphans = _imports.Of(manager);
        if (orphans.Count == 0) return;
        var reason = ManagerFailed(manager, Site.Health.Get(manager).Reason);
        foreach (var orphan in orphans) orphan.OnManagerFailed(reason);
    }

    private static EntityFaultException ManagerFailed(SiteIdentity manager, string? reason)
        => new($"a dataflow variable managed by site {manager}", FaultState.PermFail, "Waiting for the variable's outcome", reason ?? "its manager is permanently failed");

    private async Task ObserveAsync(ValueTask send, PeerConnection connection, MessageKind kind)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
        {
            Logger.LogDebug("Dropped a {Kind} to {Peer}: {Reason}", kind, connection, ex.Message);
        }
    }
}
