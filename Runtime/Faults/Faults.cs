using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera;

/// <summary>
/// Faults reflected per entity (docs/faults.md). Every reference to a distributed object, and every local
/// object, has a <see cref="FaultState"/>: watch it, read it, or let operations raise
/// <see cref="EntityFaultException"/>. Accepts a [Stationary] or [Cached] object or proxy, or an [Async] reference.
/// </summary>
public static class Faults
{
    /// <summary>The entity's fault state on this site now.</summary>
    public static FaultState StateOf(object entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return FaultedEntity.Of(entity).State;
    }

    /// <summary>
    /// The entity's fault stream: its current state first, then every transition, ending after
    /// <see cref="FaultState.LocalFail"/> or <see cref="FaultState.PermFail"/>, or when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public static IAsyncEnumerable<FaultState> Watch(object entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return FaultStream.WatchAsync(FaultedEntity.Of(entity), cancellationToken);
    }

    /// <summary>
    /// Gives up on the entity on this site only (Mozart's <c>DP.break</c>): it becomes <see cref="FaultState.LocalFail"/>
    /// here, and every later operation through this reference fails. Other sites are unaffected.
    /// </summary>
    /// <returns>False if the entity was already in a final state.</returns>
    public static bool Break(object entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return FaultedEntity.Of(entity).Cell.TrySetFinal(FaultState.LocalFail, "broken on this site");
    }

    /// <summary>
    /// Kills the entity for everybody, best effort (Mozart's <c>DP.kill</c>): its home refuses every later
    /// operation and tells the sites it is connected to; each reference becomes <see cref="FaultState.PermFail"/>.
    /// Completes once the request is on its way to the home (or done, when the home is here).
    /// </summary>
    /// <exception cref="EntityFaultException">The entity was already in a final state here.</exception>
    public static Task KillAsync(object entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var target = FaultedEntity.Of(entity);
        if (target.Handle is null) return KillProtocol.KillLocal(target.Target);
        return target.Handle.Site.Kills.KillRemoteAsync(target.Handle, cancellationToken);
    }

    /// <summary>Chooses, for this reference on this site, what operations do while the entity is in TempFail.</summary>
    public static void SetDetection(object entity, FaultDetection mode)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown detection mode.");
        FaultedEntity.Of(entity).Cell.Detection = mode;
    }

    /// <summary>The detection mode in force for this reference: its own, or its site's default.</summary>
    public static FaultDetection DetectionOf(object entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var target = FaultedEntity.Of(entity);
        return target.Handle is { } handle ? FaultGate.ModeOf(handle) : EntityFaultCell.FindLocal(target.Target)?.Detection ?? FaultDetection.ThrowOnUse;
    }
}
