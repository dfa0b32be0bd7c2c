using System;
using MemoryPack;

namespace Tessera.Wire;

/// <summary>Redeems a ticket at its issuing site: one request, one reply.</summary>
[MemoryPackable]
public sealed partial class TakeRequest : WireMessage
{
    public long RequestId { get; init; }

    public ulong ObjectKey { get; init; }

    public byte[] Secret { get; init; } = Array.Empty<byte>();

    public string TypeName { get; init; } = "";

    public ulong TypeFingerprint { get; init; }

    public override MessageKind Kind => MessageKind.Take;

    internal override string? FindNullField() => NullIn(nameof(Secret), Secret) ?? NullIn(nameof(TypeName), TypeName);
}

public enum TakeStatus : byte
{
    Granted = 0,
    NotFound = 1,
    SecretMismatch = 2,
    TypeMismatch = 3,
}

[MemoryPackable]
public sealed partial class TakeReply : WireMessage, IReplyMessage
{
    public long RequestId { get; init; }

    public TakeStatus Status { get; init; }

    /// <summary>With <see cref="TakeStatus.Granted"/>: the key calls on the object use (the ticket only named an alias).</summary>
    public ulong ObjectKey { get; init; }

    /// <summary>With <see cref="TakeStatus.Granted"/>: the weight the new reference holds (see <see cref="Serialization.WireReference"/>).</summary>
    public int WeightLevel { get; init; }

    public ulong WeightMantissa { get; init; }

    /// <summary>With <see cref="TakeStatus.TypeMismatch"/>: what the issuer really holds.</summary>
    public string ActualTypeName { get; init; } = "";

    public ulong ActualFingerprint { get; init; }

    public override MessageKind Kind => MessageKind.TakeReply;

    internal override string? FindNullField() => NullIn(nameof(ActualTypeName), ActualTypeName);

    long IReplyMessage.ReplyTo => RequestId;
}
