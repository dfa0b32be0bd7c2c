using System;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// Why calls on a <c>[Cached]</c> object are refused on this site: a final fault state. Each refused call gets
/// its own exception; when the state itself is gone, <see cref="CachedStateLostException"/> is its inner exception.
/// </summary>
internal sealed record CallRefusal(string Entity, FaultState State, string Reason, string? LostObject)
{
    public const string Operation = "Call";

    public EntityFaultException ToException()
        => new(Entity, State, Operation, Reason, LostObject is null ? null : new CachedStateLostException(LostObject, Reason));
}
