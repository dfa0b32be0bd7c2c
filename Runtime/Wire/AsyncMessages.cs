using System;
using MemoryPack;

namespace Tessera.Wire;

/// <summary>
/// A call on an active object. It carries its reply variable: <see cref="CallId"/> names it on this
/// connection, and 0 means a one-way send that gets no reply.
/// </summary>
[MemoryPackable]
public sealed partial class AsyncCall : WireMessage
{
    public long CallId { get; init; }

    public ulong ObjectKey { get; init; }

    public uint MethodId { get; init; }

    public byte[] Arguments { get; init; } = Array.Empty<byte>();

    /// <summary>The caller passed a token it may cancel: home gives the method a token that an <see cref="AsyncCancel"/> cancels.</summary>
    public bool Cancellable { get; init; }

    /// <summary>The caller's W3C trace context (docs/wire-format.md); null, four bytes on the wire, when nobody traces the call.</summary>
    public byte[]? TraceContext { get; init; }

    public override MessageKind Kind => MessageKind.AsyncCall;

    internal override string? FindNullField() => NullIn(nameof(Arguments), Arguments);
}

/// <summary>Binds an async call's reply variable: the encoded result (empty for a completion).</summary>
[MemoryPackable]
public sealed partial class AsyncReply : WireMessage
{
    public long CallId { get; init; }

    public byte[] Result { get; init; } = Array.Empty<byte>();

    public override MessageKind Kind => MessageKind.AsyncReply;

    internal override string? FindNullField() => NullIn(nameof(Result), Result);
}

/// <summary>Fails an async call's reply variable. Counted as a reply: a call is still one message each way.</summary>
[MemoryPackable]
public sealed partial class AsyncFault : WireMessage
{
    public long CallId { get; init; }

    public AsyncFaultCode Code { get; init; }

    public string ExceptionType { get; init; } = "";

    public string Message { get; init; } = "";

    public string? StackTrace { get; init; }

    public override MessageKind Kind => MessageKind.AsyncReply;

    internal override string? FindNullField() => NullIn(nameof(ExceptionType), ExceptionType) ?? NullIn(nameof(Message), Message);
}

/// <summary>Why an async call ended without a result.</summary>
public enum AsyncFaultCode : byte
{
    /// <summary>The method threw; the exception's type, message and stack travel back.</summary>
    MethodThrew = 0,
    UnknownObject = 1,
    UnknownMethod = 2,
    BadArguments = 3,

    /// <summary>The active object's mailbox was full; the call did not run.</summary>
    Overloaded = 4,

    /// <summary>The object is not an <c>[Async]</c> object.</summary>
    NotActive = 5,

    /// <summary>The object was killed (<c>Faults.KillAsync</c>): every reference to it is permanently failed.</summary>
    EntityKilled = 6,

    /// <summary>The method ran, but its result does not fit in a frame.</summary>
    ResultTooLarge = 7,
}

/// <summary>The caller cancelled an async call's token; home cancels the token the method received.</summary>
[MemoryPackable]
public sealed partial class AsyncCancel : WireMessage
{
    public long CallId { get; init; }

    public override MessageKind Kind => MessageKind.AsyncCancel;
}
