using System;
using MemoryPack;

namespace Tessera.Wire;

/// <summary>A call on a stationary object. <see cref="TimeoutMilliseconds"/> lets home stop work nobody waits for.</summary>
[MemoryPackable]
public sealed partial class CallRequest : WireMessage
{
    public long CallId { get; init; }

    public ulong ObjectKey { get; init; }

    public uint MethodId { get; init; }

    public long TimeoutMilliseconds { get; init; }

    public byte[] Arguments { get; init; } = Array.Empty<byte>();

    /// <summary>The caller's W3C trace context (docs/wire-format.md); null, four bytes on the wire, when nobody traces the call.</summary>
    public byte[]? TraceContext { get; init; }

    public override MessageKind Kind => MessageKind.Call;

    internal override string? FindNullField() => NullIn(nameof(Arguments), Arguments);
}

/// <summary>The successful end of a call: the MemoryPack-encoded result (empty for void).</summary>
[MemoryPackable]
public sealed partial class CallReply : WireMessage, IReplyMessage
{
    public long CallId { get; init; }

    public byte[] Result { get; init; } = Array.Empty<byte>();

    public override MessageKind Kind => MessageKind.Reply;

    internal override string? FindNullField() => NullIn(nameof(Result), Result);

    long IReplyMessage.ReplyTo => CallId;
}

/// <summary>Why a call ended without a result.</summary>
public enum CallFaultCode : byte
{
    /// <summary>The method threw; the exception's type, message and stack travel back.</summary>
    MethodThrew = 0,
    UnknownObject = 1,
    UnknownMethod = 2,
    BadArguments = 3,
    Cancelled = 4,
    /// <summary>The method ran, but its result exceeds the frame limit.</summary>
    ResultTooLarge = 5,

    /// <summary>The object was killed (<c>Faults.KillAsync</c>): every reference to it is permanently failed.</summary>
    EntityKilled = 6,

    /// <summary>The connection already had as many calls running at home as the home site allows; this one did not run.</summary>
    Overloaded = 7,
}

/// <summary>The faulted end of a call. Counted as a reply: a call is still exactly two messages.</summary>
[MemoryPackable]
public sealed partial class CallFault : WireMessage, IReplyMessage
{
    public long CallId { get; init; }

    public CallFaultCode Code { get; init; }

    public string ExceptionType { get; init; } = "";

    public string Message { get; init; } = "";

    public string? StackTrace { get; init; }

    public override MessageKind Kind => MessageKind.Reply;

    internal override string? FindNullField() => NullIn(nameof(ExceptionType), ExceptionType) ?? NullIn(nameof(Message), Message);

    long IReplyMessage.ReplyTo => CallId;
}

/// <summary>The caller gave up on a call (cancelled or past its deadline); home cancels the method's token.</summary>
[MemoryPackable]
public sealed partial class CancelCall : WireMessage
{
    public long CallId { get; init; }

    public override MessageKind Kind => MessageKind.Cancel;
}
