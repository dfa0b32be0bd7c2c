using System;
using MemoryPack;

namespace Tessera.Wire;

/// <summary>
/// Weight coming home from dropped proxies, batched: one message carries many entities' returns. The
/// levels and mantissas are parallel arrays, grouped per entity by <see cref="Counts"/>.
/// </summary>
[MemoryPackable]
public sealed partial class WeightReturn : WireMessage
{
    public ulong[] Keys { get; init; } = Array.Empty<ulong>();

    /// <summary>How many credits belong to each key, in order.</summary>
    public int[] Counts { get; init; } = Array.Empty<int>();

    public int[] Levels { get; init; } = Array.Empty<int>();

    public ulong[] Mantissas { get; init; } = Array.Empty<ulong>();

    /// <summary>Which of the home's tables the keys name.</summary>
    public EntityTable Table { get; init; }

    public override MessageKind Kind => MessageKind.WeightReturn;

    internal override string? FindNullField()
        => NullIn(nameof(Keys), Keys) ?? NullIn(nameof(Counts), Counts) ?? NullIn(nameof(Levels), Levels) ?? NullIn(nameof(Mantissas), Mantissas);
}

/// <summary>A holder renews its lease on every entity of the receiving home it still holds a proxy for.</summary>
[MemoryPackable]
public sealed partial class LeaseRenewal : WireMessage
{
    public ulong[] Keys { get; init; } = Array.Empty<ulong>();

    /// <summary>Which of the home's tables the keys name.</summary>
    public EntityTable Table { get; init; }

    public override MessageKind Kind => MessageKind.LeaseRenewal;

    internal override string? FindNullField() => NullIn(nameof(Keys), Keys);
}

/// <summary>
/// The tables of a home whose entries garbage collection counts weight for, each with keys of its own: the
/// objects it exports, and the dataflow variables it manages.
/// </summary>
public enum EntityTable : byte
{
    Objects = 0,
    Variables = 1,
}
