using System;

namespace Tessera;

/// <summary>
/// The ticket is genuine but refers to a different class than the taker expects, or to the
/// same class compiled with a different shape (members added, removed or changed).
/// </summary>
public sealed class TicketTypeMismatchException : TicketException
{
    public TicketTypeMismatchException(string expectedTypeName, ulong expectedFingerprint, string actualTypeName, ulong actualFingerprint)
        : base(Describe(expectedTypeName, expectedFingerprint, actualTypeName, actualFingerprint))
    {
        ExpectedTypeName = expectedTypeName;
        ExpectedFingerprint = expectedFingerprint;
        ActualTypeName = actualTypeName;
        ActualFingerprint = actualFingerprint;
    }

    /// <summary>The class the taker asked for.</summary>
    public string ExpectedTypeName { get; }

    public ulong ExpectedFingerprint { get; }

    /// <summary>The class the ticket was issued for.</summary>
    public string ActualTypeName { get; }

    public ulong ActualFingerprint { get; }

    private static string Describe(string expectedTypeName, ulong expectedFingerprint, string actualTypeName, ulong actualFingerprint) =>
        string.Equals(expectedTypeName, actualTypeName, StringComparison.Ordinal)
            ? $"The ticket refers to a '{actualTypeName}' as expected, but the class shapes differ between the two builds " +
              $"(fingerprint {actualFingerprint:x16} at the issuer, {expectedFingerprint:x16} here); build both sites from the same version of the class."
            : $"The ticket refers to a '{actualTypeName}' (fingerprint {actualFingerprint:x16}), but a '{expectedTypeName}' " +
              $"(fingerprint {expectedFingerprint:x16}) was expected.";
}
