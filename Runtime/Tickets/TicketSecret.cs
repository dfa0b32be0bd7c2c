using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tessera;

/// <summary>
/// The unguessable 128-bit part of a ticket: whoever knows it may take the object.
/// Equality is constant-time and <see cref="ToString"/> never shows the value, so a secret
/// that ends up in a log or a debugger display gives nothing away.
/// </summary>
public readonly struct TicketSecret : IEquatable<TicketSecret>
{
    /// <summary>Length of a secret in bytes.</summary>
    public const int Size = 16;

    /// <summary>Length of <see cref="ComputeHash"/>'s result in bytes.</summary>
    public const int HashSize = SHA256.HashSizeInBytes;

    // Two words rather than a byte[] so default(TicketSecret) is a value, not a null reference.
    private readonly ulong _high;
    private readonly ulong _low;

    public TicketSecret(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A ticket secret is exactly {Size} bytes, not {bytes.Length}.", nameof(bytes));
        }

        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
    }

    /// <summary>
    /// A fresh secret from the operating system's cryptographic generator. Deliberately not
    /// seedable, unlike the rest of Tessera's randomness: a predictable secret is a forgeable ticket.
    /// </summary>
    public static TicketSecret NewSecret()
    {
        Span<byte> bytes = stackalloc byte[Size];
        RandomNumberGenerator.Fill(bytes);
        return new TicketSecret(bytes);
    }

    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"The destination needs {Size} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
    }

    /// <summary>The SHA-256 of the secret: what an issuer keeps instead of the secret itself.</summary>
    public byte[] ComputeHash()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        byte[] hash = SHA256.HashData(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return hash;
    }

    public bool Equals(TicketSecret other)
    {
        Span<byte> mine = stackalloc byte[Size];
        Span<byte> theirs = stackalloc byte[Size];
        WriteTo(mine);
        other.WriteTo(theirs);
        return CryptographicOperations.FixedTimeEquals(mine, theirs);
    }

    public override bool Equals(object? obj) => obj is TicketSecret other && Equals(other);

    // HashCode is seeded randomly per process, so the hash code does not expose secret bits.
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    public override string ToString() => "TicketSecret(redacted)";

    public static bool operator ==(TicketSecret left, TicketSecret right) => left.Equals(right);

    public static bool operator !=(TicketSecret left, TicketSecret right) => !left.Equals(right);
}
