using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.Infrastructure;
using Tessera.Serialization;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Variables;

/// <summary>
/// The variable protocol of one site: the variables it manages (exported while unbound) and its one
/// proxy per variable managed elsewhere. A bind costs one message to the manager plus one from the
/// manager to each registered proxy site; receiving an unbound variable costs one registration.
/// </summary>
internal sealed class VariableTable
{
    private const int InitialPruneThreshold = 1024;
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, IExportedVariable> _exports = new();
    private readonly Dictionary<(SiteIdentity Manager, ulong Key), WeakReference<IImportedVariable>> _imports = new();
    private readonly ConcurrentDictionary<PeerConnection, byte> _watched = new();
    private int _pruneAt = InitialPruneThreshold;

    public VariableTable(Site site, ILogger logger)
    {
        Site = site;
        Logger = logger;
    }

    public Site Site { get; }

    public ILogger Logger { get; }

    public WireVariable ToWire<T>(Dataflow<T> variable, DataflowCodec<T> codec)
    {
        if (variable.IsDetermined) return new WireVariable { Outcome = VariableOutcomes.Of(Site, variable, codec) };
        if (variable.Proxy is { } proxy)
        {
            return new WireVariable
            {
                SiteId = proxy.Manager.Id,
                Incarnation = proxy.Manager.Incarnation,
                EndpointHints = proxy.Hints.IsDefault ? Array.Empty<string>() : proxy.Hints.ToArray(),
                Key = proxy.Key,
            };
        }
        return new WireVariable
        {
            SiteId = Site.Identity.Id,
            Incarnation = Site.Identity.Incarnation,
            EndpointHints = Site.EndpointHints.ToArray(),
            Key = Export(variable, codec),
        };
    }

    public Dataflow<T> FromWire<T>(WireVariable wire, DataflowCodec<T> codec)
    {
        if (wire.Outcome is { } outcome)
        {
            var determined = new Dataflow<T>();
            VariableOutcomes.Apply(Site, determined, outcome, codec, wire.Manager);
            return determined;
        }
        if (wire.Manager == Site.Identity)
        {
            IExportedVariable? exported;
            lock (_gate) _exports.TryGetValue(wire.Key, out exported);
            return exported?.Variable as Dataflow<T>
                   ?? throw new EntityNotFoundException($"A dataflow variable #{wire.Key:x16} of {typeof(T).Name} came home, but this site does not manage it.");
        }
        return Import(wire.Manager, ImmutableArray.Create(wire.EndpointHints), wire.Key, codec);
    }

    public void OnRegister(PeerConnection proxySite, VariableRegister register)
    {
        IExportedVariable? exported;
        lock (_gate) _exports.TryGetValue(register.Key, out exported);
        if (exported is null) Logger.LogWarning("Site {Peer} registered for variable #{Key:x16}, which this site does not manage.", proxySite.Peer, register.Key);
        else exported.OnRegister(proxySite);
    }

    public void OnBind(PeerConnection binder, VariableBind bind)
    {
        IExportedVariable? exported;
        lock (_gate) _exports.TryGetValue(bind.Key, out exported);
        if (exported is not null)
        {
            exported.OnBindRequest(binder, bind.Outcome);
            return;
        }
        // The binder is waiting on its proxy: end the wait with a clear fault rather than its timeout.
        var unknown = new EntityNotFoundException($"Site {Site.Identity} does not manage dataflow variable #{bind.Key:x16}.");
        Send(binder, new VariableBound { Key = bind.Key, Outcome = VariableOutcomes.Fault(unknown) });
    }

    public void OnBound(PeerConnection manager, VariableBound bound)
    {
        IImportedVariable? proxy = null;
        lock (_gate)
        {
            if (_imports.Remove((manager.Peer, bound.Key), out var weak)) weak.TryGetTarget(out proxy);
        }
        proxy?.OnBound(bound.Outcome);
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

    private ulong Export<T>(Dataflow<T> variable, DataflowCodec<T> codec)
    {
        lock (_gate)
        {
            if (variable.ExportKey != 0) return variable.ExportKey;
            ulong key;
            do key = RandomKey(); while (key == 0 || _exports.ContainsKey(key));
            // Kept after the bind: a copy still in flight may register late and is then answered at once.
            _exports[key] = new ExportedVariable<T>(this, variable, codec, key);
            variable.ExportKey = key;
            return key;
        }
    }

    private Dataflow<T> Import<T>(SiteIdentity manager, ImmutableArray<string> hints, ulong key, DataflowCodec<T> codec)
    {
        VariableProxy<T> proxy;
        lock (_gate)
        {
            if (_imports.TryGetValue((manager, key), out var weak) && weak.TryGetTarget(out var existing))
            {
                return existing is VariableProxy<T> same
                    ? same.Variable
                    : throw new ProtocolViolationException($"Site {manager} sent variable #{key:x16} as Dataflow<{typeof(T).Name}>, but it is already known here with another type.");
            }
            var variable = new Dataflow<T>();
            proxy = new VariableProxy<T>(this, variable, manager, hints, key, codec);
            variable.Proxy = proxy;
            if (_imports.Count >= _pruneAt) PruneCollected();
            _imports[(manager, key)] = new WeakReference<IImportedVariable>(proxy);
        }
        proxy.Registered = RegisterAsync(proxy);
        return proxy.Variable;
    }

    private async Task RegisterAsync<T>(VariableProxy<T> proxy)
    {
        try
        {
            using var deadline = new CancellationTokenSource(Site.Options.DefaultCallTimeout, Site.Options.TimeProvider);
            var connection = await Site.Connections.GetAsync(proxy.Manager, proxy.Hints, deadline.Token).ConfigureAwait(false);
            Watch(connection);
            await connection.SendAsync(new VariableRegister { Key = proxy.Key }, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException or OperationCanceledException)
        {
            proxy.OnManagerLost(new SiteUnreachableException($"Could not reach site {proxy.Manager}, the manager of a dataflow variable: {ex.Message}", ex));
        }
    }

    /// <summary>Once per connection: when it drops, the unbound proxies of variables managed by its peer fail.</summary>
    private void Watch(PeerConnection connection)
    {
        if (!_watched.TryAdd(connection, 0)) return;
        connection.Completion.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() =>
        {
            _watched.TryRemove(connection, out _);
            var lost = new ConnectionClosedException($"The connection to site {connection.Peer}, the manager of a dataflow variable, closed before the variable was bound.");
            List<IImportedVariable> orphans;
            lock (_gate)
            {
                orphans = _imports.Where(i => i.Key.Manager == connection.Peer)
                    .Select(i => i.Value.TryGetTarget(out var proxy) ? proxy : null)
                    .OfType<IImportedVariable>()
                    .ToList();
            }
            foreach (var orphan in orphans) orphan.OnManagerLost(lost);
        });
    }

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

    private void PruneCollected()
    {
        foreach (var (id, weak) in _imports)
        {
            if (!weak.TryGetTarget(out var proxy) || proxy.IsDetermined) _imports.Remove(id);
        }
        _pruneAt = Math.Max(InitialPruneThreshold, _imports.Count * 2);
    }

    private static ulong RandomKey()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}
