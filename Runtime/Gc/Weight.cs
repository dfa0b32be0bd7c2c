using System;
using System.Collections.Generic;

namespace Tessera.Gc;

/// <summary>
/// The weight one proxy holds: an exact sum of credits, kept as base-2^62 digits by level (level 0
/// unbounded, deeper digits below 2^62). Not thread-safe; its owner locks.
/// </summary>
internal sealed class Weight
{
    // Usually one digit: a proxy that got one reference and halves it for each send keeps a single digit.
    private readonly SortedList<int, UInt128> _digits = new();

    public bool IsZero => _digits.Count == 0;

    /// <summary>How deep the weight goes, in levels: for tests and diagnostics.</summary>
    public int Depth => _digits.Count == 0 ? 0 : LastLevel();

    public void Add(Credit credit)
    {
        if (credit.IsZero) return;
        if (credit.Level < 0) throw new ProtocolViolationException($"A reference carried weight at level {credit.Level}; levels are never negative.");
        var level = credit.Level;
        var digit = _digits.GetValueOrDefault(level) + credit.Mantissa;
        while (level > 0 && digit >= Credit.Radix)
        {
            _digits[level] = digit & (Credit.Radix - 1);
            if (_digits[level] == 0) _digits.Remove(level);
            level--;
            digit = _digits.GetValueOrDefault(level) + (digit >> Credit.LevelBits);
        }
        _digits[level] = digit;
    }

    /// <summary>
    /// Splits off part of this weight for a reference about to be sent: half of the deepest digit, or, when
    /// that digit is 1, half of it expressed one level deeper. What stays is never zero.
    /// </summary>
    public Credit Split()
    {
        if (_digits.Count == 0) throw new InvalidOperationException("A proxy with no weight cannot send its reference.");
        var level = LastLevel();
        var digit = _digits[level];
        if (digit >= 2)
        {
            var given = (ulong)UInt128.Min(digit / 2, ulong.MaxValue);
            _digits[level] = digit - given;
            return new Credit(level, given);
        }
        var half = (ulong)(Credit.Radix / 2);
        _digits.Remove(level);
        _digits[checked(level + 1)] = half;
        return new Credit(level + 1, half);
    }

    /// <summary>Empties this weight, returning it as credits (one per nonzero digit).</summary>
    public List<Credit> TakeAll()
    {
        var credits = new List<Credit>(_digits.Count);
        foreach (var (level, digit) in _digits)
        {
            // Level 0 counts units the home minted, one per reference it sent: far below 2^64.
            credits.Add(new Credit(level, (ulong)digit));
        }
        _digits.Clear();
        return credits;
    }

    private int LastLevel() => _digits.Keys[_digits.Count - 1];
}
