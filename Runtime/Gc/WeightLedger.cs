using System;
using System.Collections.Generic;

namespace Tessera.Gc;

/// <summary>
/// The home's exact account of the weight outstanding for one entity: what it minted minus what came
/// back, as signed base-2^62 digits by level. Kept normalised so that every digit below level 0 is not a
/// multiple of 2^62; then the total is zero exactly when no digit is left, so the check is O(1).
/// Not thread-safe; its owner locks.
/// </summary>
internal sealed class WeightLedger
{
    private static readonly Int128 Radix = (Int128)Credit.Radix;

    private readonly SortedList<int, Int128> _digits = new();

    /// <summary>True when all the weight the home handed out has come back.</summary>
    public bool IsZero => _digits.Count == 0;

    /// <summary>Levels with a nonzero digit: for tests and diagnostics.</summary>
    public int Levels => _digits.Count;

    public void Mint(Credit credit) => Apply(credit.Level, credit.Mantissa);

    public void Return(Credit credit) => Apply(credit.Level, -(Int128)credit.Mantissa);

    private void Apply(int level, Int128 amount)
    {
        if (amount == 0) return;
        if (level < 0) throw new ProtocolViolationException($"Weight came back at level {level}; levels are never negative.");
        var digit = _digits.GetValueOrDefault(level) + amount;
        // A digit that is a whole number of units of the level above folds into it, so that the only
        // representation of zero is the empty ledger.
        while (level > 0 && digit != 0 && digit % Radix == 0)
        {
            _digits.Remove(level);
            level--;
            digit = _digits.GetValueOrDefault(level) + digit / Radix;
        }
        if (digit == 0) _digits.Remove(level);
        else _digits[level] = digit;
    }
}
