using MemoryPack;

namespace Tessera.Wire;

/// <summary>Keeps an idle link audible. <see cref="SentAt"/> is the sender's clock, echoed back unchanged.</summary>
[MemoryPackable]
public sealed partial class Heartbeat : WireMessage
{
    public long SentAt { get; init; }

    public override MessageKind Kind => MessageKind.Heartbeat;
}

/// <summary>The echo of a <see cref="Heartbeat"/>: its sender learns the round-trip time.</summary>
[MemoryPackable]
public sealed partial class HeartbeatAck : WireMessage
{
    public long EchoedSentAt { get; init; }

    public override MessageKind Kind => MessageKind.HeartbeatAck;
}

/// <summary>The sending site is stopping for good: this incarnation will never answer again.</summary>
[MemoryPackable]
public sealed partial class SiteLeaving : WireMessage
{
    public override MessageKind Kind => MessageKind.SiteLeaving;
}

/// <summary>Asks the receiving site, the entity's home, to kill entity <see cref="ObjectKey"/> everywhere.</summary>
[MemoryPackable]
public sealed partial class KillEntity : WireMessage
{
    public ulong ObjectKey { get; init; }

    public override MessageKind Kind => MessageKind.KillEntity;
}

/// <summary>The sending site, the entity's home, killed entity <see cref="ObjectKey"/>: every reference to it is permanently failed.</summary>
[MemoryPackable]
public sealed partial class EntityKilled : WireMessage
{
    public ulong ObjectKey { get; init; }

    public override MessageKind Kind => MessageKind.EntityKilled;
}
