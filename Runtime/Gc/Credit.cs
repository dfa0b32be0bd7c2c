using System;

namespace Tessera.Gc;

/// <summary>
/// One piece of an entity's weight: <c>Mantissa · 2^(-62·Level)</c>. Every reference in flight carries
/// one. Level 0 counts whole units, which only the home mints; deeper levels come from splitting, and
/// since a level is an unbounded int a credit can be halved about 2^37 times before the level runs
/// out, which no run reaches: the representation never underflows.
/// </summary>
internal readonly record struct Credit(int Level, ulong Mantissa)
{
    /// <summary>Bits per level: a digit below level 0 is less than 2^62, so two digits add without overflow.</summary>
    public const int LevelBits = 62;

    public static readonly UInt128 Radix = (UInt128)1 << LevelBits;

    /// <summary>What the home hands out with each reference it sends: one whole unit.</summary>
    public static readonly Credit Unit = new(0, 1);

    /// <summary>
    /// Deeper than any run splits (each level is 62 halvings): a credit past it was forged or corrupted, and taking it
    /// would leave a digit that never cancels, or overflow when the proxy splits it.
    /// </summary>
    public const int MaxLevel = 1 << 20;

    public bool IsZero => Mantissa == 0;

    /// <summary>A credit read from a peer's message; one no honest site could have sent is a protocol violation.</summary>
    public static Credit FromWire(int level, ulong mantissa)
    {
        if (level < 0 || level > MaxLevel)
            throw new ProtocolViolationException($"A credit came at level {level}; levels run from 0 to {MaxLevel}.");
        if (level > 0 && mantissa >= Radix)
            throw new ProtocolViolationException($"A credit at level {level} came with mantissa {mantissa}, which a digit below level 0 never reaches.");
        return new Credit(level, mantissa);
    }

    public override string ToString() => $"{Mantissa}·2^-{(long)Level * LevelBits}";
}
