using System;
using System.Security.Cryptography;

namespace Tessera;

/// <summary>
/// Who a site is. <see cref="Id"/> may be configured and reused across restarts; the
/// <see cref="Incarnation"/> is drawn fresh for every run of the process, so a restarted
/// process is a different site and references to its old incarnation break cleanly.
/// </summary>
public readonly record struct SiteIdentity(Guid Id, ulong Incarnation)
{
    /// <summary>A new identity with a fresh incarnation (never zero).</summary>
    public static SiteIdentity NewIncarnation(Guid id)
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong incarnation;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            incarnation = BitConverter.ToUInt64(bytes);
        }
        while (incarnation == 0);
        return new SiteIdentity(id, incarnation);
    }

    public override string ToString() => $"{Id:N}/{Incarnation:x16}";
}
