using System;
using MemoryPack;

namespace Tessera.Serialization;

/// <summary>How a reference to a distributed object travels: where its home is, and its key there.</summary>
[MemoryPackable]
public sealed partial class WireReference
{
    public Guid SiteId { get; init; }

    public ulong Incarnation { get; init; }

    public string[] EndpointHints { get; init; } = Array.Empty<string>();

    public ulong ObjectKey { get; init; }

    [MemoryPackIgnore]
    public SiteIdentity Home => new(SiteId, Incarnation);
}
