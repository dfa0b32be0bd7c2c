using System;
using Tessera.Infrastructure;

namespace Tessera.Gc;

/// <summary>
/// One exported entity at its home: the object, the weight outstanding, the tickets that pin it, and
/// when its lease runs out. Guarded by the reference table's lock.
/// </summary>
internal sealed class ExportEntry(object target, DistributedTypeInfo type)
{
    public object Target { get; } = target;

    public DistributedTypeInfo Type { get; } = type;

    public WeightLedger Outstanding { get; } = new();

    /// <summary>Live tickets for the entity: while any is live it stays exported, weight or not.</summary>
    public int Pins { get; set; }

    /// <summary>A stamp of the site's <see cref="LeaseClock"/>.</summary>
    public long LeaseExpiry { get; set; }

    /// <summary>Nothing refers to the entity from outside any more: all weight is home and no ticket is live.</summary>
    public bool IsUnreferenced => Pins == 0 && Outstanding.IsZero;

    public bool IsLeaseExpired(long now) => Pins == 0 && now >= LeaseExpiry;
}
