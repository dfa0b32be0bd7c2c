using System;
using MemoryPack;
using Tessera.Gc;

namespace Tessera.Serialization;

/// <summary>
/// How a reference to a distributed object travels: where its home is, its key there, and the weight
/// it carries (split off the sender's), so that a reference only in flight still keeps its entity alive.
/// </summary>
[MemoryPackable]
public sealed partial class WireReference
{
    public Guid SiteId { get; init; }

    public ulong Incarnation { get; init; }

    public string[] EndpointHints { get; init; } = Array.Empty<string>();

    public ulong ObjectKey { get; init; }

    /// <summary>The carried weight is <c>WeightMantissa · 2^(-62·WeightLevel)</c> of the entity's total.</summary>
    public int WeightLevel { get; init; }

    public ulong WeightMantissa { get; init; }

    [MemoryPackIgnore]
    public SiteIdentity Home => new(SiteId, Incarnation);

    [MemoryPackIgnore]
    internal Credit Credit => Credit.FromWire(WeightLevel, WeightMantissa);
}
