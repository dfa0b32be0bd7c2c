using System;
using System.Buffers;
using System.Buffers.Binary;

namespace Tessera.Wire;

public enum HandshakeKind : byte
{
    Hello = 1,
    Accept = 2,
    Reject = 3,
}

public enum HandshakeRejection : byte
{
    None = 0,
    VersionMismatch = 1,
    Duplicate = 2,
    ShuttingDown = 3,
}

/// <summary>
/// The first frame each way on a connection, in a fixed layout rather than MemoryPack so that
/// any future version can still read the magic and the version and refuse cleanly:
/// magic "TSRA" (4) | version u16 | kind u8 | rejection u8 | site id (16) | incarnation u64.
/// </summary>
public readonly record struct HandshakeFrame(int Version, HandshakeKind Kind, HandshakeRejection Rejection, SiteIdentity Site)
{
    public const int Size = 32;

    // The magic, the version, the kind and the rejection: what every version keeps in place.
    private const int VersionedPrefixSize = 8;

    private static ReadOnlySpan<byte> Magic => "TSRA"u8;

    public byte[] Encode()
    {
        var bytes = new byte[Size];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), (ushort)Version);
        bytes[6] = (byte)Kind;
        bytes[7] = (byte)Rejection;
        Site.Id.TryWriteBytes(bytes.AsSpan(8, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), Site.Incarnation);
        return bytes;
    }

    /// <exception cref="ProtocolViolationException">Not a Tessera handshake.</exception>
    public static HandshakeFrame Decode(in ReadOnlySequence<byte> frame)
    {
        if (frame.Length < VersionedPrefixSize)
            throw new ProtocolViolationException($"Expected a {Size}-byte Tessera handshake but got a {frame.Length}-byte frame; this peer does not speak Tessera.");
        Span<byte> bytes = stackalloc byte[Size];
        frame.Slice(0, Math.Min(frame.Length, Size)).CopyTo(bytes);
        if (!bytes[..4].SequenceEqual(Magic))
            throw new ProtocolViolationException("The first frame does not start with the Tessera magic; this peer does not speak Tessera.");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        var kind = (HandshakeKind)bytes[6];
        if (kind is not (HandshakeKind.Hello or HandshakeKind.Accept or HandshakeKind.Reject))
            throw new ProtocolViolationException($"Unknown handshake kind {(byte)kind}.");
        if (frame.Length != Size)
        {
            // Another version may lay out the rest differently: its version is all this side needs, to refuse it.
            if (version == ProtocolVersion.Current)
                throw new ProtocolViolationException($"A protocol version {version} handshake is {Size} bytes, but this one is {frame.Length}.");
            return new HandshakeFrame(version, kind, (HandshakeRejection)bytes[7], default);
        }
        var site = new SiteIdentity(new Guid(bytes.Slice(8, 16)), BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));
        return new HandshakeFrame(version, kind, (HandshakeRejection)bytes[7], site);
    }
}
