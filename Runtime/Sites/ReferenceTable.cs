using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using Tessera.Infrastructure;
using Tessera.Serialization;

namespace Tessera.Sites;

/// <summary>
/// The site's two entity tables. Exports: home objects other sites may reach, by random key.
/// Imports: one proxy per remote entity, so two references to one object are one C# instance.
/// </summary>
internal sealed class ReferenceTable
{
    private readonly Lock _gate = new();
    private readonly Site _site;
    private readonly Dictionary<ulong, ExportedEntity> _exportsByKey = new();
    private readonly Dictionary<object, ulong> _keysByObject = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(SiteIdentity Home, ulong Key), WeakReference<object>> _imports = new();
    private const int InitialPruneThreshold = 1024;
    private int _pruneAt = InitialPruneThreshold;

    public ReferenceTable(Site site) => _site = site;

    /// <summary>Exports <paramref name="target"/> (once) and returns its key.</summary>
    public ulong Export(object target, DistributedTypeInfo type)
    {
        lock (_gate)
        {
            if (_keysByObject.TryGetValue(target, out var existing)) return existing;
            // Keys are random so that a connected peer cannot reach objects nobody gave it by counting.
            ulong key;
            do key = RandomKey(); while (key == 0 || _exportsByKey.ContainsKey(key));
            // Before the entry exists, so a target its protocol refuses to export leaves nothing behind.
            type.OnExporting(_site, target, key);
            _exportsByKey[key] = new ExportedEntity(target, type);
            _keysByObject[target] = key;
            return key;
        }
    }

    public bool TryGetExport(ulong key, out ExportedEntity entity)
    {
        lock (_gate) return _exportsByKey.TryGetValue(key, out entity);
    }

    public WireReference ToWire(object value, DistributedTypeInfo type)
    {
        // A proxy, or an imported [Cached] object: a reference to the entity's home, wherever its state is.
        if (((value as IDistributedProxy)?.TesseraHandle ?? (value as ICachedObject)?.TesseraState.Handle) is { } handle)
        {
            return new WireReference
            {
                SiteId = handle.Home.Id,
                Incarnation = handle.Home.Incarnation,
                EndpointHints = handle.EndpointHints.IsDefault ? Array.Empty<string>() : handle.EndpointHints.ToArray(),
                ObjectKey = handle.ObjectKey,
            };
        }
        return new WireReference
        {
            SiteId = _site.Identity.Id,
            Incarnation = _site.Identity.Incarnation,
            EndpointHints = _site.EndpointHints.ToArray(),
            ObjectKey = Export(value, type),
        };
    }

    /// <summary>Resolves a reference: the original instance if it is ours, else this site's one proxy for it.</summary>
    public object FromWire(WireReference reference, DistributedTypeInfo type)
    {
        if (reference.Home == _site.Identity)
        {
            if (TryGetExport(reference.ObjectKey, out var entity))
            {
                if (entity.Type != type)
                    throw new ProtocolViolationException($"A reference that came home names a {entity.Type.TypeName}, but was sent as a {type.TypeName}.");
                return entity.Target;
            }
            throw new EntityNotFoundException($"A reference to {type.TypeName}#{reference.ObjectKey:x16} came home, but this site does not export it.");
        }
        return Import(reference.Home, ImmutableArray.Create(reference.EndpointHints), reference.ObjectKey, type);
    }

    public object Import(SiteIdentity home, ImmutableArray<string> hints, ulong key, DistributedTypeInfo type)
    {
        lock (_gate)
        {
            if (_imports.TryGetValue((home, key), out var weak) && weak.TryGetTarget(out var existing))
            {
                if (!type.ClrType.IsInstanceOfType(existing))
                    throw new ProtocolViolationException($"Site {home} sent entity #{key:x16} as {type.TypeName}, but it is already known here as {existing.GetType().FullName}.");
                return existing;
            }
            var proxy = type.CreateProxyObject(new ProxyHandle(_site, home, hints, key, type));
            if (_imports.Count >= _pruneAt) PruneCollectedProxies();
            _imports[(home, key)] = new WeakReference<object>(proxy);
            return proxy;
        }
    }

    /// <summary>Drops entries whose proxies were collected; the threshold doubles so pruning stays amortised O(1).</summary>
    private void PruneCollectedProxies()
    {
        foreach (var (id, weak) in _imports)
        {
            if (!weak.TryGetTarget(out _)) _imports.Remove(id);
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

/// <summary>A home object reachable from other sites.</summary>
internal readonly record struct ExportedEntity(object Target, DistributedTypeInfo Type);
