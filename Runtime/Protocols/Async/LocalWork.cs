using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Tessera.Protocols.Async;

/// <summary>A call from this site's own async reference: no encoding, the reply variable is bound in place.</summary>
internal sealed class LocalCall<TTarget, TResult>(TTarget target, Func<TTarget, TResult> body, Dataflow<TResult> reply) : ActiveWork
{
    public override ValueTask RunAsync()
    {
        try
        {
            reply.TrySetFromProtocol(body(target));
        }
        catch (Exception ex)
        {
            reply.TryFailFromProtocol(ex);
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>A local call of an asynchronous method: the object takes no other call until its task ends.</summary>
internal sealed class LocalAsyncCall<TTarget, TResult>(TTarget target, Func<TTarget, Task<TResult>> body, Dataflow<TResult> reply) : ActiveWork
{
    public override async ValueTask RunAsync()
    {
        try
        {
            reply.TrySetFromProtocol(await body(target).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            reply.TryFailFromProtocol(ex);
        }
    }
}

/// <summary>A local one-way call: nobody waits for it, so a failure can only be logged.</summary>
internal sealed class LocalSend<TTarget>(TTarget target, Action<TTarget> body, ActiveObject owner) : ActiveWork
{
    public override ValueTask RunAsync()
    {
        try
        {
            body(target);
        }
        catch (Exception ex)
        {
            owner.Logger.LogWarning(ex, "A one-way call on {Type} threw; one-way calls have no reply to carry it.", typeof(TTarget).FullName);
        }
        return ValueTask.CompletedTask;
    }
}
