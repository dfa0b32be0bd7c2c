using System;
using MemoryPack;

namespace Tessera.Wire;

/// <summary>
/// Every message after the handshake. The union tags are part of the protocol: never renumber,
/// only append. Tags follow the <see cref="MessageKind"/> ranges: 0-9 sites, tickets and
/// stationary calls; 10-19 the migratory protocol; 20-29 async calls and dataflow variables;
/// 30-39 distributed garbage collection; 40-49 failure detection and fault operations.
/// </summary>
[MemoryPackable]
[MemoryPackUnion(0, typeof(CallRequest))]
[MemoryPackUnion(1, typeof(CallReply))]
[MemoryPackUnion(2, typeof(CallFault))]
[MemoryPackUnion(3, typeof(TakeRequest))]
[MemoryPackUnion(4, typeof(TakeReply))]
[MemoryPackUnion(5, typeof(CancelCall))]
[MemoryPackUnion(10, typeof(StateRequest))]
[MemoryPackUnion(11, typeof(StateForward))]
[MemoryPackUnion(12, typeof(StateToken))]
[MemoryPackUnion(13, typeof(StateLost))]
[MemoryPackUnion(14, typeof(StateQuery))]
[MemoryPackUnion(15, typeof(StateQueryReply))]
[MemoryPackUnion(16, typeof(StateReroute))]
[MemoryPackUnion(17, typeof(StateRerouteReply))]
[MemoryPackUnion(18, typeof(StateUnreachable))]
[MemoryPackUnion(20, typeof(AsyncCall))]
[MemoryPackUnion(21, typeof(AsyncReply))]
[MemoryPackUnion(22, typeof(AsyncFault))]
[MemoryPackUnion(23, typeof(VariableRegister))]
[MemoryPackUnion(24, typeof(VariableBind))]
[MemoryPackUnion(25, typeof(VariableBound))]
[MemoryPackUnion(26, typeof(AsyncCancel))]
[MemoryPackUnion(30, typeof(WeightReturn))]
[MemoryPackUnion(31, typeof(LeaseRenewal))]
[MemoryPackUnion(40, typeof(Heartbeat))]
[MemoryPackUnion(41, typeof(HeartbeatAck))]
[MemoryPackUnion(42, typeof(SiteLeaving))]
[MemoryPackUnion(43, typeof(KillEntity))]
[MemoryPackUnion(44, typeof(EntityKilled))]
public abstract partial class WireMessage
{
    [MemoryPackIgnore]
    public abstract MessageKind Kind { get; }

    /// <summary>
    /// What is missing from a message that arrived with a required field null, or null if nothing is.
    /// MemoryPack reads null for any array or string the sender wrote as null, whatever the field's
    /// annotation says, and a handler that trusted the annotation would fail on a <see cref="NullReferenceException"/>.
    /// </summary>
    internal virtual string? FindNullField() => null;

    internal static string? NullIn(string field, object? value) => value is null ? $"its {field} is null" : null;

    internal static string? NullIn(string field, string?[]? values)
        => values is null ? $"its {field} is null" : Array.IndexOf(values, null) >= 0 ? $"its {field} holds a null" : null;
}
