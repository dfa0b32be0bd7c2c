using System;
using System.Threading;

namespace Tessera.Protocols.Migratory;

/// <summary>
/// Which call runs on a <c>[Cached]</c> object here, and how deeply it has re-entered: a method calling
/// another method of its own object must run at once instead of waiting for itself. Not thread-safe: the
/// owning <see cref="MigratoryProxy"/> guards it with its lock.
/// </summary>
internal sealed class RunningCall
{
    // Marks the logical calls (async flow) that hold a state, so a call one makes on its own object re-enters. A list,
    // innermost first: a call on A that awaits a call on B, which calls A again, must still be known as A's.
    private static readonly AsyncLocal<FlowMarks?> CurrentFlow = new();

    private int _depth;
    private int _thread;
    private object? _flow;

    public bool IsBusy { get; private set; }

    /// <summary>Tags the caller's async flow, so awaits inside the method body still count as this call.</summary>
    public static void MarkFlow(object flow) => CurrentFlow.Value = new FlowMarks(flow, CurrentFlow.Value);

    public void Own(int thread, object? flow)
    {
        IsBusy = true;
        _thread = thread;
        _flow = flow;
    }

    /// <summary>Counts one more level if the caller is the running call itself.</summary>
    public bool TryReenter()
    {
        var mine = (_thread != 0 && _thread == Environment.CurrentManagedThreadId)
                   || (_flow is not null && FlowMarks.Contains(CurrentFlow.Value, _flow));
        if (mine) _depth++;
        return mine;
    }

    /// <returns>True when the outermost call ended and the object is free.</returns>
    public bool Leave()
    {
        if (_depth > 0)
        {
            _depth--;
            return false;
        }
        IsBusy = false;
        _thread = 0;
        _flow = null;
        return true;
    }
}

/// <summary>The flow marks of the calls an async flow is inside, innermost first; as long as the calls are nested.</summary>
internal sealed record FlowMarks(object Mark, FlowMarks? Outer)
{
    public static bool Contains(FlowMarks? marks, object mark)
    {
        for (var current = marks; current is not null; current = current.Outer)
        {
            if (ReferenceEquals(current.Mark, mark)) return true;
        }
        return false;
    }
}
