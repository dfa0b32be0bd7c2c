using MemoryPack;

namespace Tessera.Wire;

/// <summary>
/// Every message after the handshake. The union tags are part of the protocol: never renumber,
/// only append.
/// </summary>
[MemoryPackable]
[MemoryPackUnion(0, typeof(CallRequest))]
[MemoryPackUnion(1, typeof(CallReply))]
[MemoryPackUnion(2, typeof(CallFault))]
[MemoryPackUnion(3, typeof(TakeRequest))]
[MemoryPackUnion(4, typeof(TakeReply))]
[MemoryPackUnion(5, typeof(CancelCall))]
public abstract partial class WireMessage
{
    [MemoryPackIgnore]
    public abstract MessageKind Kind { get; }
}
