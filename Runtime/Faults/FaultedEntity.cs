using Tessera.Infrastructure;
using Tessera.Sites;

namespace Tessera;

/// <summary>An entity as the fault API sees it: the object or proxy, with its handle when it lives elsewhere.</summary>
internal readonly record struct FaultedEntity(object Target, ProxyHandle? Handle)
{
    public static FaultedEntity Of(object entity)
    {
        var target = entity is IAsyncReference reference ? reference.Target : entity;
        return new FaultedEntity(target, ReferenceTable.HandleOf(target));
    }

    /// <summary>The entity's own final state if it has one, else its home's health (a local entity's home is here).</summary>
    public FaultState State => Handle is { } handle
        ? handle.FaultIfAny?.Final ?? handle.Site.Health.StateOf(handle.Home)
        : EntityFaultCell.FindLocal(Target)?.Final ?? FaultState.Ok;

    public string Reason => Handle is { } handle
        ? handle.FaultIfAny is { Final: not null } own ? own.Reason : handle.Site.Health.Get(handle.Home).Reason
        : EntityFaultCell.FindLocal(Target)?.Reason ?? "";

    public EntityFaultCell Cell => Handle?.Fault ?? EntityFaultCell.ForLocal(Target);

    public string Name => Handle?.ToString() ?? $"{Target.GetType().FullName} (here)";
}
