using System;
using MemoryPack;
using Tessera.Gc;
using Tessera.Wire;

namespace Tessera.Serialization;

/// <summary>
/// How a dataflow variable travels. A determined variable travels as its outcome alone; an unbound one
/// as its manager's identity and key, with weight (docs/gc.md), so the receiver gets a proxy of the same variable.
/// </summary>
[MemoryPackable]
public sealed partial class WireVariable
{
    public VariableOutcome? Outcome { get; init; }

    public Guid SiteId { get; init; }

    public ulong Incarnation { get; init; }

    public string[] EndpointHints { get; init; } = Array.Empty<string>();

    public ulong Key { get; init; }

    /// <summary>An unbound variable carries weight as a reference does: <c>WeightMantissa · 2^(-62·WeightLevel)</c>.</summary>
    public int WeightLevel { get; init; }

    public ulong WeightMantissa { get; init; }

    [MemoryPackIgnore]
    public SiteIdentity Manager => new(SiteId, Incarnation);

    [MemoryPackIgnore]
    internal Credit Credit => Credit.FromWire(WeightLevel, WeightMantissa);
}
