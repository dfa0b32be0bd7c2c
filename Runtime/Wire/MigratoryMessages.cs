using System;
using MemoryPack;

namespace Tessera.Wire;

/// <summary>
/// GET: a site asks the home's manager for the state of object <see cref="ObjectKey"/>. The requester is
/// the connection's peer; its hints let the previous holder reach it.
/// </summary>
[MemoryPackable]
public sealed partial class StateRequest : WireMessage
{
    public ulong ObjectKey { get; init; }

    public string[] RequesterHints { get; init; } = Array.Empty<string>();

    /// <summary>The hop at which the requester last received the state: everything up to it has been served.</summary>
    public long LastHop { get; init; }

    public override MessageKind Kind => MessageKind.Get;

    internal override string? FindNullField() => NullIn(nameof(RequesterHints), RequesterHints);
}

/// <summary>FORWARD: from the manager to the last requester, naming the site that gets the state after it.</summary>
[MemoryPackable]
public sealed partial class StateForward : WireMessage
{
    public ulong ObjectKey { get; init; }

    public Guid SuccessorSiteId { get; init; }

    public ulong SuccessorIncarnation { get; init; }

    public string[] SuccessorHints { get; init; } = Array.Empty<string>();

    /// <summary>The successor's place in the manager's order of requests; the token carries it on.</summary>
    public long Hop { get; init; }

    public override MessageKind Kind => MessageKind.Forward;

    internal override string? FindNullField() => NullIn(nameof(SuccessorHints), SuccessorHints);
}

/// <summary>TOKEN: the object's state, sent by its holder to the next requester (possibly the home).</summary>
[MemoryPackable]
public sealed partial class StateToken : WireMessage
{
    public Guid HomeSiteId { get; init; }

    public ulong HomeIncarnation { get; init; }

    public ulong ObjectKey { get; init; }

    public long Hop { get; init; }

    /// <summary>The fields, as encoded by the class's generated capture code.</summary>
    public byte[] State { get; init; } = Array.Empty<byte>();

    public override MessageKind Kind => MessageKind.Token;

    internal override string? FindNullField() => NullIn(nameof(State), State);
}

/// <summary>From the manager: the state is gone for everybody; waiting and later calls fail.</summary>
[MemoryPackable]
public sealed partial class StateLost : WireMessage
{
    public ulong ObjectKey { get; init; }

    public string Reason { get; init; } = "";

    public override MessageKind Kind => MessageKind.StateLost;

    internal override string? FindNullField() => NullIn(nameof(Reason), Reason);
}

/// <summary>Failures only: the manager asks a requester which hop it last received, to learn whether the state outlived a dead site.</summary>
[MemoryPackable]
public sealed partial class StateQuery : WireMessage
{
    public long RequestId { get; init; }

    public Guid HomeSiteId { get; init; }

    public ulong HomeIncarnation { get; init; }

    public ulong ObjectKey { get; init; }

    public override MessageKind Kind => MessageKind.StateQuery;
}

[MemoryPackable]
public sealed partial class StateQueryReply : WireMessage, IReplyMessage
{
    public long RequestId { get; init; }

    /// <summary>The hop at which this site last received the state, or -1 if it never did.</summary>
    public long LastHop { get; init; }

    public override MessageKind Kind => MessageKind.StateQueryReply;

    long IReplyMessage.ReplyTo => RequestId;
}

/// <summary>
/// Failures only: the manager tells the site that was to hand the state to a dead requester to hand it to
/// that requester's successor instead, or to keep it when nobody is queued after the dead one.
/// </summary>
[MemoryPackable]
public sealed partial class StateReroute : WireMessage
{
    public long RequestId { get; init; }

    public ulong ObjectKey { get; init; }

    /// <summary>The dead requester's hop: the visit to skip.</summary>
    public long DeadHop { get; init; }

    public bool HasSuccessor { get; init; }

    public Guid SuccessorSiteId { get; init; }

    public ulong SuccessorIncarnation { get; init; }

    public string[] SuccessorHints { get; init; } = Array.Empty<string>();

    public long SuccessorHop { get; init; }

    public override MessageKind Kind => MessageKind.StateReroute;

    internal override string? FindNullField() => NullIn(nameof(SuccessorHints), SuccessorHints);
}

[MemoryPackable]
public sealed partial class StateRerouteReply : WireMessage, IReplyMessage
{
    public long RequestId { get; init; }

    /// <summary>False when the site had already handed the state to the dead requester, or never had it.</summary>
    public bool Rerouted { get; init; }

    public override MessageKind Kind => MessageKind.StateRerouteReply;

    long IReplyMessage.ReplyTo => RequestId;
}

/// <summary>
/// Failures only: from a holder to the manager. The site the holder was to hand the state to (at
/// <see cref="Hop"/>) is permanently failed as the holder sees it, though perhaps not as the home does.
/// </summary>
[MemoryPackable]
public sealed partial class StateUnreachable : WireMessage
{
    public ulong ObjectKey { get; init; }

    public Guid SiteId { get; init; }

    public ulong SiteIncarnation { get; init; }

    public long Hop { get; init; }

    public override MessageKind Kind => MessageKind.StateUnreachable;
}
