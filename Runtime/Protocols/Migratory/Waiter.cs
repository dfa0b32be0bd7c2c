using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Tessera.Protocols.Migratory;

/// <summary>One call waiting for its turn on a <c>[Cached]</c> object.</summary>
internal sealed class Waiter
{
    private readonly TaskCompletionSource _turn = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Waiter(int thread, object? flow)
    {
        Thread = thread;
        Flow = flow;
        Node = new LinkedListNode<Waiter>(this);
    }

    public int Thread { get; }

    public object? Flow { get; }

    public LinkedListNode<Waiter> Node { get; }

    public bool Granted { get; set; }

    public Task Turn => _turn.Task;

    public void Signal() => _turn.TrySetResult();

    public void Fail(Exception reason) => _turn.TrySetException(reason);
}
