using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Tessera;

/// <summary>
/// The fault state one entity has on this site beyond its home's health: a final
/// <see cref="FaultState.LocalFail"/> or <see cref="FaultState.PermFail"/>, and the detection mode chosen for it.
/// </summary>
internal sealed class EntityFaultCell
{
    // Local objects have no handle to hang a cell on; the table lets the object be collected as usual.
    private static readonly ConditionalWeakTable<object, EntityFaultCell> LocalCells = new();
    private readonly Lock _gate = new();
    private FaultState? _final;

    public FaultState? Final
    {
        get
        {
            lock (_gate) return _final;
        }
    }

    public string Reason { get; private set; } = "";

    public FaultDetection? Detection { get; set; }

    /// <summary>Raised once, when the cell becomes final.</summary>
    public event Action<FaultState>? Changed;

    public static EntityFaultCell ForLocal(object entity) => LocalCells.GetValue(entity, static _ => new EntityFaultCell());

    public static EntityFaultCell? FindLocal(object entity) => LocalCells.TryGetValue(entity, out var cell) ? cell : null;

    /// <returns>False if the cell was already final: the first final state stays.</returns>
    public bool TrySetFinal(FaultState state, string reason)
    {
        lock (_gate)
        {
            if (_final is not null) return false;
            _final = state;
            Reason = reason;
        }
        TesseraMetrics.FaultTransition(state.ToString());
        Changed?.Invoke(state);
        return true;
    }
}
