using System.Threading;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// Final fault states that reach a <c>[Cached]</c> object from outside its protocol: <see cref="Faults.Break"/>
/// (LocalFail) and kills (PermFail) set its fault cell, and this turns them into refused calls. It listens
/// from the moment the object takes part in moves: shared at home, or first used through a reference.
/// </summary>
internal sealed class FaultWatch
{
    private readonly MigratoryProxy _proxy;
    private int _started;

    public FaultWatch(MigratoryProxy proxy) => _proxy = proxy;

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        var cell = _proxy.Cell;
        cell.Changed += OnFinal;
        // The cell may have become final before anybody listened (a kill notice for an idle reference).
        if (cell.Final is { } final) OnFinal(final);
    }

    private void OnFinal(FaultState state)
    {
        var reason = _proxy.Cell.Reason;
        if (state != FaultState.PermFail) _proxy.Refuse(state, reason);
        // A kill at home ends the object for everybody: the manager tells the sites in its chain.
        else if (_proxy.Manager is { } manager) manager.DeclareLost(reason);
        else _proxy.Lose(reason);
    }
}
