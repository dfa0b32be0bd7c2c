using Tessera;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>
/// Holds dataflow variables by slot, hands them over and drops them, for the collection of variables; every
/// method is asynchronous, so no thread waits on a reply.
/// </summary>
[Stationary]
public partial class VariableRelay
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Dataflow<int>> _held = new();
    private readonly Action? _answering;

    public VariableRelay() { }

    /// <param name="answering">Runs just before <see cref="TakeAsync"/> answers: a test can hold the answer back on the wire.</param>
    public VariableRelay(Action answering) => _answering = answering;

    public virtual Task HoldAsync(int slot, Dataflow<int> variable)
    {
        lock (_gate) _held[slot] = variable;
        return Task.CompletedTask;
    }

    /// <summary>Receives a variable and keeps nothing: its proxy here is garbage at once.</summary>
    public virtual Task DiscardAsync(Dataflow<int> variable) => Task.CompletedTask;

    /// <summary>Gives up the variable in <paramref name="slot"/>: from here on only the answer refers to it.</summary>
    public virtual Task<Dataflow<int>> TakeAsync(int slot)
    {
        Dataflow<int> variable;
        lock (_gate) _held.Remove(slot, out variable!);
        _answering?.Invoke();
        return Task.FromResult(variable);
    }

    /// <summary>Takes the variable in <paramref name="slot"/> from <paramref name="from"/> and holds it here.</summary>
    public virtual async Task FetchAsync(int slot, VariableRelay from)
    {
        var variable = await from.TakeAsync(slot);
        lock (_gate) _held[slot] = variable;
    }

    public virtual Task<int> ReadAsync(int slot) => Held(slot).AsTask();

    public virtual Task BindAsync(int slot, int value) => Held(slot).BindAsync(value);

    public virtual Task DropAsync(int slot)
    {
        lock (_gate) _held.Remove(slot);
        return Task.CompletedTask;
    }

    private Dataflow<int> Held(int slot)
    {
        lock (_gate) return _held[slot];
    }
}
