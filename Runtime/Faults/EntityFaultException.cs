using System;

namespace Tessera;

/// <summary>An operation met an entity that is not <see cref="FaultState.Ok"/>.</summary>
public sealed class EntityFaultException : TesseraException
{
    public EntityFaultException(string entity, FaultState state, string operation, string reason, Exception? innerException = null)
        : base($"{operation} on {entity} failed: the entity is {state} ({reason}).", innerException)
    {
        Entity = entity;
        State = state;
        Operation = operation;
    }

    /// <summary>The entity, as type and home site (never its key, which is a capability).</summary>
    public string Entity { get; }

    public FaultState State { get; }

    /// <summary>What was attempted, e.g. a method name or "kill".</summary>
    public string Operation { get; }
}
