using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;
using Tessera.Gc;
using Tessera.Infrastructure;
using Tessera.Sites;

namespace Tessera.Protocols.Variables;

/// <summary>
/// The variables a site manages that other sites refer to, by random key, each with the weight they hold
/// (docs/gc.md). An entry goes once all its weight is home (every proxy was collected, or told the outcome) or
/// its lease runs out. The variable itself stays usable here whatever becomes of its entry: the table holds only
/// what other sites need, and sending the variable again while it is unbound exports it afresh.
/// </summary>
internal sealed class VariableExports
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, ExportedVariable> _byKey = new();
    private readonly VariableTable _table;

    private readonly LeaseClock _leases;

    public VariableExports(VariableTable table)
    {
        _table = table;
        _leases = new LeaseClock(table.Site.Options);
    }

    public int Count
    {
        get
        {
            lock (_gate) return _byKey.Count;
        }
    }

    /// <summary>Weight for one copy of <paramref name="variable"/> about to be sent; exports it if no other site refers to it yet.</summary>
    public (ulong Key, Credit Credit) Mint<T>(Dataflow<T> variable, DataflowCodec<T> codec)
    {
        lock (_gate)
        {
            var export = variable.Export ??= new ExportedVariable<T>(_table, variable, codec);
            if (export.Table != _table)
                throw new InvalidOperationException($"This {variable} is managed by {export.Table.Site}; another site cannot send it as its own.");
            if (export.Key == 0)
            {
                ulong key;
                do key = RandomKey(); while (key == 0 || _byKey.ContainsKey(key));
                export.Export(key);
                _byKey[key] = export;
            }
            export.Outstanding.Mint(Credit.Unit);
            RenewLocked(export);
            return (export.Key, Credit.Unit);
        }
    }

    public ExportedVariable? Find(ulong key)
    {
        lock (_gate) return _byKey.GetValueOrDefault(key);
    }

    /// <summary>A copy came home: the variable is the original, and the copy's weight is back.</summary>
    public Dataflow<T> ComeHome<T>(ulong key, Credit credit)
    {
        lock (_gate)
        {
            if (!_byKey.TryGetValue(key, out var export))
                throw new EntityNotFoundException($"A dataflow variable #{key:x16} of {typeof(T).Name} came home, but this site does not manage it.");
            var variable = export.Variable as Dataflow<T>
                           ?? throw new ProtocolViolationException($"Dataflow variable #{key:x16} came home as Dataflow<{typeof(T).Name}>, but it holds another type.");
            ReturnLocked(key, export, [credit]);
            return variable;
        }
    }

    /// <summary>Adds a proxy site to tell of the outcome.</summary>
    /// <returns>The variable, or null if this site does not export it; <paramref name="decided"/> if its outcome is known already, so the site is to be told at once.</returns>
    public ExportedVariable? Register(ulong key, PeerConnection site, out bool decided)
    {
        lock (_gate)
        {
            decided = false;
            if (!_byKey.TryGetValue(key, out var export)) return null;
            if (export.Registered is { } registered)
            {
                // A site registers again on a new connection after its old one dropped: one entry per site, the newest.
                var known = registered.FindIndex(c => c.Peer == site.Peer);
                if (known < 0) registered.Add(site);
                else registered[known] = site;
            }
            else
            {
                decided = true;
            }
            return export;
        }
    }

    /// <summary>The variable was determined: the sites to tell, under its current key. Later registrations are told at once.</summary>
    public (ulong Key, List<PeerConnection> Sites) TakeRegistered(ExportedVariable export)
    {
        lock (_gate)
        {
            var sites = export.Registered ?? new List<PeerConnection>();
            export.Registered = null;
            return (export.Key, sites);
        }
    }

    public void OnWeightReturned(ulong key, ReadOnlySpan<Credit> credits)
    {
        lock (_gate)
        {
            // Unknown keys are weight for an export a lease already reclaimed.
            if (_byKey.TryGetValue(key, out var export)) ReturnLocked(key, export, credits);
        }
    }

    /// <returns>The keys this site does not export, or null if there are none.</returns>
    public List<ulong>? RenewLeases(ReadOnlySpan<ulong> keys)
    {
        List<ulong>? unknown = null;
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (_byKey.TryGetValue(key, out var export)) RenewLocked(export);
                else (unknown ??= new List<ulong>()).Add(key);
            }
        }
        return unknown;
    }

    /// <summary>Drops every export whose lease ran out: the weight still outstanding belongs to holders that went silent.</summary>
    public List<ulong> ReclaimExpiredLeases()
    {
        var now = _leases.Now;
        var reclaimed = new List<ulong>();
        lock (_gate)
        {
            foreach (var (key, export) in _byKey)
            {
                if (export.IsLeaseExpired(now)) reclaimed.Add(key);
            }
            foreach (var key in reclaimed) DropLocked(key, _byKey[key]);
        }
        return reclaimed;
    }

    private void ReturnLocked(ulong key, ExportedVariable export, ReadOnlySpan<Credit> credits)
    {
        foreach (var credit in credits) export.Outstanding.Return(credit);
        if (export.IsUnreferenced) DropLocked(key, export);
    }

    private void RenewLocked(ExportedVariable export)
    {
        var expiry = _leases.ExpiryFromNow;
        if (expiry > export.LeaseExpiry) export.LeaseExpiry = expiry;
    }

    private void DropLocked(ulong key, ExportedVariable export)
    {
        _byKey.Remove(key);
        export.Unexport();
        TableCapacity.ShrinkIfSparse(_byKey);
    }

    private static ulong RandomKey()
    {
        // Random, so that a connected peer cannot reach variables nobody gave it by counting.
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}
